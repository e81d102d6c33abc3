import { Container } from "@cdktf/provider-docker/lib/container";
import { NullProvider } from "@cdktf/provider-null/lib/provider";
import { TerraformStack, Testing } from "cdktf";
import { FailmapContainer } from "../../../constructs/app/failmap-container";
import { ExistingHost } from "../../../constructs/host/existing-host";
import { OrganisationStack } from "../../../stacks/organisation-stack";
import { ContainerPolicy } from "../../../stacks/rules/container-policy";
import { loadExample } from "../../support/organisations";
import { ready } from "../../support/ready-host";

const HOST_KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIImN/r5l6haFiGmm181HYy2YdG8BycfehwkSuVzopHBE x";

function stackWithPolicy() {
  const stack = new TerraformStack(Testing.app(), "org-test");
  stack.node.addValidation(new ContainerPolicy(stack));
  new NullProvider(stack, "null");
  const host = ready(
    new ExistingHost(stack, "main", { fqdn: "a.example.org", address: "192.0.2.1", hostPublicKey: HOST_KEY }),
  );
  return { stack, host };
}

const policyContainer = (stack: TerraformStack, host: ExistingHost) =>
  new FailmapContainer(stack, "good", {
    host,
    identity: { role: "thing" },
    name: "failmap-thing",
    image: "sha256:abc",
    memoryMb: 64,
  });

describe("ContainerPolicy at synth", () => {
  it("fails the synth on a container made without FailmapContainer, naming it and all it lacks", () => {
    const { stack, host } = stackWithPolicy();
    new Container(stack, "bare", {
      provider: host.dockerProvider(),
      name: "failmap-bare",
      image: "sha256:abc",
    });
    // The stack's validations are what makes a synth fail (cdktf runs them); read here without a synth, which
    // would also run cdktf's own `terraform version` check: the unit tier starts no process.
    const errors = stack.node.validate().join("\n");
    expect(errors).toMatch(/org-test\/bare \(docker_container\.bare\) breaks the container policy/);
    for (const missing of [
      'restart is null, not "unless-stopped"',
      "no log rotation",
      "no stop_timeout",
      "no destroy_grace_seconds",
      "no memory limit",
      "no failmap.role label",
    ]) {
      expect(errors).toContain(missing);
    }
  });

  it("passes a FailmapContainer", () => {
    const { stack, host } = stackWithPolicy();
    policyContainer(stack, host);
    expect(stack.node.validate()).toEqual([]);
  });

  it("reads what Terraform gets: an override that undoes the policy fails too", () => {
    const { stack, host } = stackWithPolicy();
    const container = policyContainer(stack, host);
    container.addOverride("restart", "no");
    container.addOverride("destroy_grace_seconds", 0);
    const errors = stack.node.validate().join("\n");
    expect(errors).toMatch(
      /org-test\/good .*restart is "no".*no destroy_grace_seconds of at least stop_timeout/,
    );
    expect(errors).not.toContain("no memory limit");
  });

  it("refuses what the docker provider would read back otherwise, which shows as a change on every plan", () => {
    const { stack, host } = stackWithPolicy();
    const container = policyContainer(stack, host);
    container.addOverride("memory_swap", null);
    container.addOverride("devices", [{ host_path: "/dev/kmsg", container_path: "/dev/kmsg" }]);
    container.addOverride("healthcheck", { test: ["CMD", "true"], interval: "60s", timeout: "1m" });
    const errors = stack.node.validate().join("\n");
    expect(errors).toContain(
      "memory_swap is null, not the memory limit 64 (left out, dockerd reads back 2 × memory: a change on every plan)",
    );
    expect(errors).toContain('device /dev/kmsg has no permissions (the provider reads back "rwm"');
    expect(errors).toContain(
      'healthcheck interval "60s" is not a whole number of seconds as Go prints it ("1m0s")',
    );
    expect(errors).toContain(
      'healthcheck timeout "1m" is not a whole number of seconds as Go prints it ("1m0s")',
    );
  });

  it("refuses a healthcheck the apply does not wait for, and a wait without one", () => {
    const { stack, host } = stackWithPolicy();
    const unwaited = policyContainer(stack, host);
    unwaited.addOverride("healthcheck", {
      test: ["CMD", "true"],
      interval: "10s",
      timeout: "5s",
      retries: 2,
    });
    expect(stack.node.validate().join("\n")).toContain(
      "a healthcheck without wait = true and a wait_timeout of at least 45 s",
    );
    unwaited.addOverride("wait", true);
    unwaited.addOverride("wait_timeout", 44);
    expect(stack.node.validate().join("\n")).toContain("a wait_timeout of at least 45 s");
    unwaited.addOverride("wait_timeout", 45);
    expect(stack.node.validate().join("\n")).toContain(
      "a healthcheck without the failmap.healthcheck label (the provider would change it in place",
    );
    unwaited.addOverride("labels", [
      { label: "failmap.role", value: "thing" },
      { label: "failmap.healthcheck", value: "0123456789abcdef" },
    ]);
    expect(stack.node.validate()).toEqual([]);
    unwaited.addOverride("healthcheck", null);
    expect(stack.node.validate().join("\n")).toContain("wait without a healthcheck");
  });

  it("replaces a container whose healthcheck changed, since the provider's in-place update never reaches docker", () => {
    const { stack, host } = stackWithPolicy();
    const labelled = (id: string, interval: string) =>
      new FailmapContainer(stack, id, {
        host,
        identity: { role: id },
        name: `failmap-${id}`,
        image: "sha256:abc",
        memoryMb: 64,
        healthcheck: { test: ["CMD", "true"], interval, timeout: "5s", retries: 3 },
      });
    const label = (c: FailmapContainer) => {
      const json = JSON.parse(Testing.synth(stack)).resource.docker_container[c.friendlyUniqueId];
      return (json.labels as { label: string; value: string }[]).find(
        (l) => l.label === "failmap.healthcheck",
      )?.value;
    };
    const [a, b, c] = [labelled("a", "30s"), labelled("b", "30s"), labelled("c", "1m0s")];
    expect(label(a)).toMatch(/^[0-9a-f]{16}$/);
    expect(label(b)).toBe(label(a));
    expect(label(c)).not.toBe(label(a));
    expect(label(policyContainer(stack, host))).toBeUndefined();
    expect(stack.node.validate()).toEqual([]);
  });
});

describe("the example organisations", () => {
  it.each(["faalkaart", "failmap-uk"])("%s passes, and its stack checks every container", (name) => {
    const stack = new OrganisationStack(Testing.app(), { organisation: loadExample(name) });
    expect(stack.node.validate()).toEqual([]);
    const main = stack.main;
    new Container(stack, "bare", {
      provider: main.dockerProvider(),
      name: "failmap-bare",
      image: "sha256:abc",
    });
    expect(stack.node.validate().join("\n")).toMatch(
      new RegExp(`org-${name}/bare \\(docker_container\\.bare\\) breaks the container policy`),
    );
  });
});
