import { Container } from "@cdktf/provider-docker/lib/container";
import { Image } from "@cdktf/provider-docker/lib/image";
import { Testing } from "cdktf";
import { loadOrganisations } from "../../../config/load";
import { FailmapContainer } from "../../../constructs/app/failmap-container";
import { ExistingHost } from "../../../constructs/host/existing-host";
import { PinnedImage } from "../../../constructs/host/pinned-image";
import { OrganisationStack } from "../../../stacks/organisation-stack";
import { ORGANISATIONS_DIR } from "../../support/organisations";
import { policyStack, synthWithPolicy } from "../../support/policy-stack";
import { ready } from "../../support/ready-host";

/*
 * The stack's policy (stacks/rules/pinned-images.ts): every container runs an image pulled by digest, so a
 * new image upstream shows in the plan (and replaces what runs it) instead of arriving on a later restart.
 */
const DIGEST = `sha256:${"a".repeat(64)}`;

function hostStack() {
  const stack = policyStack();
  const host = ready(
    new ExistingHost(stack, "main", {
      fqdn: "a.example.org",
      address: "192.0.2.1",
      hostPublicKey: "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIImN/r5l6haFiGmm181HYy2YdG8BycfehwkSuVzopHBE x",
    }),
  );
  const container = (id: string, image: string) =>
    new FailmapContainer(stack, id, {
      host,
      identity: { role: id },
      name: `failmap-${id}`,
      image,
      memoryMb: 64,
    });
  return { stack, host, container };
}

describe("images pinned by digest", () => {
  it.each(["redis:7", `redis@${DIGEST}`, `registry.example.org:5000/redis:7@${DIGEST}`])(
    "passes a container that runs a PinnedImage of %s",
    (reference) => {
      const { stack, host, container } = hostStack();
      container("broker", new PinnedImage(stack, "image", { host, reference }).id);
      expect(() => synthWithPolicy(stack)).not.toThrow();
    },
  );

  it("fails the synth on a container that runs an image by its tag, naming it and the fix", () => {
    const { stack, container } = hostStack();
    container("broker", "redis:7");
    expect(() => synthWithPolicy(stack)).toThrow(
      't/broker (docker_container.broker) runs image "redis:7", not the id of a docker_image of the stack pulled by digest. Pull it with PinnedImage',
    );
  });

  it("fails on an image named by its tag, or not pulled again when its digest changes", () => {
    const { stack, host, container } = hostStack();
    const byTag = new Image(stack, "by-tag", { provider: host.dockerProvider(), name: "redis:7" });
    const untriggered = new Image(stack, "untriggered", {
      provider: host.dockerProvider(),
      name: `redis@${DIGEST}`,
    });
    container("a", byTag.imageId);
    container("b", untriggered.imageId);
    let error = "";
    try {
      synthWithPolicy(stack);
    } catch (e) {
      error = (e as Error).message;
    }
    expect(error).toContain('t/by-tag (docker_image.by-tag) is named "redis:7", not repository@digest');
    expect(error).toContain(
      `t/untriggered (docker_image.untriggered) is not pulled again when its digest changes (pull_triggers null, not ["${DIGEST}"])`,
    );
    expect(error).not.toContain("docker_container.");
  });

  it.each(loadOrganisations(ORGANISATIONS_DIR).map((o) => [o.organisation.name, o.organisation] as const))(
    "holds for org-%s, whose stack checks it",
    (name, organisation) => {
      const stack = new OrganisationStack(Testing.app(), { organisation });
      expect(stack.node.validate()).toEqual([]);
      new Container(stack, "bare", {
        provider: stack.main.dockerProvider(),
        name: "failmap-bare",
        image: "redis:7",
      });
      expect(stack.node.validate().join("\n")).toContain(
        `org-${name}/bare (docker_container.bare) runs image "redis:7", not the id of a docker_image`,
      );
    },
  );
});
