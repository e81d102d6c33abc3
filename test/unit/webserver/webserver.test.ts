import { Resource } from "@cdktf/provider-null/lib/resource";
import { PrivateKey } from "@cdktf/provider-tls/lib/private-key";
import { ExistingHost } from "../../../constructs/host/existing-host";
import { shellQuote } from "../../../constructs/host/host-files";
import { renderNginxReload } from "../../../constructs/webserver/nginx-reload";
import type { WebserverSite } from "../../../constructs/webserver/webserver-config";
import { Webserver } from "../../../constructs/webserver/webserver";
import { policyStack, synthWithPolicy } from "../../support/policy-stack";

const HOST_KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIImN/r5l6haFiGmm181HYy2YdG8BycfehwkSuVzopHBE root@x";
const site = (instance: string, domain: string, port: number): WebserverSite => ({
  instance,
  domain,
  aliases: [],
  adminDomain: `admin.${domain}`,
  names: [domain, `admin.${domain}`],
  upstreams: { frontend: { address: `127.0.0.1:${port}` }, admin: { address: `127.0.0.1:${port + 1}` } },
});

function synth(sites: WebserverSite[] = [site("production", "faalkaart.nl", 8001)], address = "192.0.2.1") {
  const stack = policyStack();
  const host = new ExistingHost(stack, "main", {
    fqdn: "faalserver.faalkaart.nl",
    address,
    hostPublicKey: HOST_KEY,
  });
  host.markReady(new Resource(stack, "bootstrap"));
  const key = new PrivateKey(stack, "key", { algorithm: "ECDSA", ecdsaCurve: "P256" });
  new Webserver(stack, "webserver", {
    host,
    sites,
    certificate: { certificatePem: key.publicKeyPem, privateKeyPem: key.privateKeyPem },
    clientCa: {
      caCertificatePem: "-----BEGIN CERTIFICATE-----\nCA\n-----END CERTIFICATE-----\n",
      clientDns: (kind) => (kind === "admin" ? ["serialNumber=ab,CN=alice,O=faalkaart"] : ["CN=worker"]),
    },
  });
  const json = synthWithPolicy(stack);
  const container = Object.values<any>(json.resource.docker_container)[0];
  const files = Object.entries<any>(json.resource.null_resource).find(([id]) =>
    id.startsWith("webserver_files"),
  )!;
  return { json, host, container, files: { id: files[0], resource: files[1] } };
}

describe("Webserver", () => {
  const { json, host, container, files } = synth();

  it("runs one nginx on the host's network, whose only public ports are 80 and 443", () => {
    expect(container).toMatchObject({
      name: "failmap-nginx",
      network_mode: "host",
      must_run: true,
      entrypoint: ["nginx"],
      command: ["-c", "/etc/failmap/nginx/nginx.conf", "-g", "daemon off;"],
      log_opts: { "max-size": "50m", "max-file": "5" },
      memory: 512,
      stop_signal: "SIGQUIT",
      stop_timeout: 30,
      destroy_grace_seconds: 30,
      labels: expect.arrayContaining([
        { label: "failmap.role", value: "nginx" },
        { label: "failmap.healthcheck", value: expect.stringMatching(/^[0-9a-f]{16}$/) },
      ]),
    });
    expect(container.ports).toBeUndefined();
    expect(host.inboundRules.map((rule) => [rule.protocol, rule.port, rule.sources])).toEqual([
      ["tcp", 80, ["0.0.0.0/0", "::/0"]],
      ["tcp", 443, ["0.0.0.0/0", "::/0"]],
    ]);
  });

  it("counts as started once its loopback health server answers, and the apply waits for that", () => {
    expect(container.healthcheck).toEqual({
      test: ["CMD", "wget", "-q", "-O", "/dev/null", "http://127.0.0.1:8300/health"],
      interval: "30s",
      timeout: "5s",
      retries: 3,
      start_period: "10s",
    });
    expect(container).toMatchObject({ wait: true, wait_timeout: 10 + 4 * (30 + 5) });
    const conf = JSON.stringify(json.resource.null_resource);
    expect(conf).toContain("listen 127.0.0.1:8300;");
  });

  // Pulled by digest as every image is, by the stack's policy (test/unit/stacks/pinned-images.test.ts).
  it("uses the stable nginx image through the host's docker provider", () => {
    const image = Object.values<any>(json.resource.docker_image)[0];
    const registry = Object.values<any>(json.data.docker_registry_image)[0];
    expect(registry.name).toBe("nginx:1.28-alpine");
    expect(image).toMatchObject({ keep_locally: true });
    expect(container.provider).toBe("docker.docker-main");
    expect(image.provider).toBe("docker.docker-main");
  });

  it("mounts config and certificates read-only, and only the cache writable", () => {
    expect(container.volumes).toEqual([
      { host_path: "/etc/failmap/nginx", container_path: "/etc/failmap/nginx", read_only: true },
      { host_path: "/etc/failmap/tls", container_path: "/etc/failmap/tls", read_only: true },
      { host_path: "/var/cache/failmap/nginx", container_path: "/var/cache/failmap/nginx" },
    ]);
  });

  // After the bootstrap as every docker resource is, by the stack's policy (test/unit/stacks/after-bootstrap.test.ts).
  it("starts after its files are in place, which come after the bootstrap", () => {
    expect(container.depends_on).toContain(`null_resource.${files.id}`);
    expect(files.resource.depends_on).toContain("null_resource.bootstrap");
  });

  it("delivers config and certificates with HostFiles, then tests and reloads the running nginx", () => {
    const uploads = files.resource.provisioner.filter((p: any) => p.file).map((p: any) => p.file.content);
    expect(uploads).toEqual(
      expect.arrayContaining([
        expect.stringContaining("server_name admin.faalkaart.nl;"),
        "${tls_private_key.key.public_key_pem}",
        "${tls_private_key.key.private_key_pem}",
        expect.stringContaining("-----BEGIN CERTIFICATE-----"),
      ]),
    );
    const commands = files.resource.provisioner.at(-1)["remote-exec"].inline.join("\n");
    expect(commands).toMatch(/install -D -m 0600 .* \/etc\/failmap\/tls\/privkey\.pem/);
    expect(commands).toContain(
      `sudo sh -c ${shellQuote(renderNginxReload("failmap-nginx", "/etc/failmap/nginx/nginx.conf"))}`,
    );
  });

  it("lets into the admin sites the current admin certificates of the client CA, not its workers", () => {
    const conf = JSON.stringify(files.resource.provisioner);
    expect(conf).toContain("serialNumber=ab,CN=alice,O=faalkaart");
    expect(conf).not.toContain("CN=worker");
  });

  it("does not recreate the container when the sites change, only the files", () => {
    const changed = synth([
      site("production", "faalkaart.nl", 8001),
      site("staging", "staging.faalkaart.nl", 8011),
    ]);
    expect(changed.container).toEqual(container);
    expect(changed.files.resource.triggers.content).not.toEqual(files.resource.triggers.content);
  });

  it("listens on IPv6 only when the host has an address there", () => {
    const conf = (f: any) =>
      f.resource.provisioner.find((p: any) => p.file?.destination.endsWith("/0")).file.content;
    expect(conf(files)).not.toContain("[::]:443");
    expect(conf(synth(undefined, "2001:db8::1").files)).toContain("listen [::]:443 ssl http2;");
  });

  it("refuses a broken site list when the stack is built", () => {
    expect(() => synth([])).toThrow(/Webserver config: give at least one site/);
  });
});
