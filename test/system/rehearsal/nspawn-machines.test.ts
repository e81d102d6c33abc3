import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import YAML from "yaml";
import { cloudInitConfig } from "../../../constructs/host/cloud-init";
import type { ServerMachineSpec } from "../../../rehearsal/hcloud-api/machines";
import { buildImages, rehearsalImages } from "../../../rehearsal/images/images";
import { LocalRegistry } from "../../../rehearsal/images/local-registry";
import { NspawnMachines, serverIpv6 } from "../../../rehearsal/machines/nspawn-machines";
import { RehearsalNetwork } from "../../../rehearsal/network/rehearsal-network";
import { eventually } from "../support/eventually";
import { requireProgram } from "../support/programs";

/*
 * A server of the local cloud as a booted Debian 12 machine: the product's own cloud-init user data, ssh as the
 * deploy user against the host key pinned in it, Docker inside on overlay2, power off and on, and nothing left
 * on this machine after remove. The network is the test's own (prefix fmrt, 10.251.0.0/16), so that it never
 * meets a rehearsal running on the same machine.
 */

const FQDN = "web1.rehearsal.test";
const network = new RehearsalNetwork({
  prefix: "fmrt",
  gateway4: "10.251.0.1/16",
  gateway6: "fd00:fa11:251::1/48",
});
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "failmap-machines-"));
const keygen = (name: string) => {
  const file = path.join(dir, name);
  spawnSync(requireProgram("ssh-keygen", "openssh-client"), [
    "-q",
    "-t",
    "ed25519",
    "-N",
    "",
    "-C",
    name,
    "-f",
    file,
  ]);
  return { file, pub: fs.readFileSync(`${file}.pub`, "utf8").trim(), private: fs.readFileSync(file, "utf8") };
};

const deployKey = keygen("deploy");
const hostKey = keygen("host");
const otherHostKey = keygen("other-host");
const spec: ServerMachineSpec = {
  id: 1,
  name: FQDN,
  ipv4: "10.251.0.2",
  ipv6: "fd00:fa11:251:1::/64",
  // As HetznerHost renders it: Terraform's yamlencode of the product's cloud-init config.
  userData: `#cloud-config\n${YAML.stringify(
    cloudInitConfig({
      hostname: "web1",
      fqdn: FQDN,
      deployUser: "deploy",
      deployKeys: [deployKey.pub],
      hostKey: { privateOpenssh: hostKey.private, publicOpenssh: hostKey.pub },
    }),
  )}`,
  publicKeys: [deployKey.pub],
};

let registry: LocalRegistry;
let machines: NspawnMachines;

/** ssh as deploy, trusting only `pinned` as the server's host key. */
function ssh(address: string, command: string, pinned = hostKey.pub) {
  const knownHosts = path.join(dir, "known_hosts");
  fs.writeFileSync(knownHosts, `${address} ${pinned}\n`);
  const result = spawnSync(
    "ssh",
    [
      ...["-o", "BatchMode=yes", "-o", "StrictHostKeyChecking=yes", "-o", `UserKnownHostsFile=${knownHosts}`],
      ...["-o", "IdentitiesOnly=yes", "-o", "ConnectTimeout=5", "-i", deployKey.file],
      `deploy@${address}`,
      command,
    ],
    { encoding: "utf8", timeout: 300_000 },
  );
  return { status: result.status, stdout: result.stdout.trim(), stderr: result.stderr };
}

function sshOk(command: string): string {
  const result = ssh(spec.ipv4, command);
  if (result.status !== 0) throw new Error(`ssh ${command}: exit ${result.status}\n${result.stderr}`);
  return result.stdout;
}

const nspawnProcesses = () =>
  spawnSync("pgrep", ["-f", `systemd-nspawn.*${dir}`], { encoding: "utf8" }).stdout.trim();

beforeAll(async () => {
  requireProgram("ssh", "openssh-client");
  requireProgram("pgrep", "procps");
  // The registry listens on this machine's address on the test's bridge, where the machine reaches it.
  network.up();
  registry = await LocalRegistry.start({
    address: network.gateway4.address,
    dir: path.join(dir, "registry"),
  });
  machines = new NspawnMachines({
    network,
    machinesDir: path.join(dir, "machines"),
    trustedCertificates: [registry.caCertificate],
  });
  // A run that crashed earlier may have left its machines: start from nothing.
  await machines.removeAll();
  network.up();
  await machines.create(spec);
  // sshd answers before cloud-init is done, and cloud-init restarts it: in a loaded CI run a connection in
  // that window was refused (ssh's exit 255). The tests start once cloud-init is done, whatever its result.
  await eventually("cloud-init done", () => ssh(spec.ipv4, "cloud-init status --wait").status !== 255, {
    explain: () => ssh(spec.ipv4, "cloud-init status --long").stderr,
  });
});

afterAll(async () => {
  await machines?.removeAll();
  await registry?.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

test("ssh as the cloud-init user works against the host key pinned in user_data, and no other", () => {
  expect(sshOk("hostname -f")).toBe(FQDN);
  expect(sshOk("sudo -n id -u")).toBe("0");
  const wrongPin = ssh(spec.ipv4, "true", otherHostKey.pub);
  expect(wrongPin.status).not.toBe(0);
  expect(wrongPin.stderr).toMatch(/host key/i);
  // The server answers on its IPv6 address too (::1 of its /64, as on Hetzner).
  expect(ssh(serverIpv6(spec.ipv6), "hostname -f").stdout).toBe(FQDN);
});

test("cloud-init ran the user data without errors, and root cannot log in", () => {
  expect(sshOk("cloud-init status --wait >/dev/null; cloud-init status")).toBe("status: done");
  expect(sshOk("sudo sshd -T | grep -E '^(permitrootlogin|passwordauthentication) '")).toBe(
    "permitrootlogin no\npasswordauthentication no",
  );
});

test("a swap file turned on inside the machine never becomes swap for this machine", () => {
  const swapsBefore = fs.readFileSync("/proc/swaps", "utf8");
  sshOk("sudo dd if=/dev/zero of=/swapfile bs=1M count=16 status=none && sudo chmod 600 /swapfile");
  sshOk("sudo mkswap -q /swapfile && sudo swapon /swapfile");
  expect(sshOk("sudo swapon --show=NAME --noheadings")).toBe("/swapfile");
  expect(fs.readFileSync("/proc/swaps", "utf8")).toBe(swapsBefore);
  sshOk("sudo swapoff /swapfile && sudo rm /swapfile");
  expect(sshOk("sudo swapon --show=NAME --noheadings")).toBe("");
});

test("dockerd, installed from the apt cache with no route out, runs the local registry's redis on overlay2", async () => {
  const [redis] = await buildImages(
    registry,
    rehearsalImages().filter((image) => image.reference === "redis:7-alpine"),
  );
  sshOk("sudo apt-get install -y -q --no-install-recommends docker.io >/dev/null 2>&1");
  expect(sshOk("sudo docker info --format '{{.Driver}}'")).toBe("overlay2");
  // Pulled over TLS, verified against the local CA in the machine's trust store, as the stack pulls it.
  sshOk(`sudo docker pull -q ${redis.mirrored} >/dev/null`);
  expect(sshOk(`sudo docker image inspect --format '{{index .RepoDigests 0}}' ${redis.mirrored}`)).toBe(
    `${redis.mirrored.replace(/:[^:/]+$/, "")}@${redis.digest}`,
  );
  sshOk(`sudo docker run -d --name broker ${redis.mirrored} redis-server --save '' >/dev/null`);
  expect(
    sshOk("for i in $(seq 50); do sudo docker exec broker redis-cli ping && break; sleep 0.2; done"),
  ).toBe("PONG");
  // The image's entrypoint drops to the redis user, as redis:7-alpine's does.
  expect(sshOk("sudo docker exec broker stat -c %U /proc/1")).toBe("redis");
});

test("a power cut stops the machine, power on boots it again with docker working", async () => {
  await machines.powerOff(spec.id, "cut");
  expect(nspawnProcesses()).toBe("");
  expect(ssh(spec.ipv4, "true").status).not.toBe(0);
  await machines.powerOn(spec.id);
  expect(sshOk("hostname -f")).toBe(FQDN);
  expect(sshOk("sudo docker info --format '{{.Driver}}'")).toBe("overlay2");
});

test("remove leaves no namespace, veth, directory or process", async () => {
  const machine = machines.machine(spec.id);
  await machines.remove(spec.id);
  expect(fs.existsSync(machine.dir)).toBe(false);
  expect(spawnSync("ip", ["netns", "list"], { encoding: "utf8" }).stdout).not.toContain(machine.namespace);
  expect(spawnSync("ip", ["-o", "link", "show"], { encoding: "utf8" }).stdout).not.toContain(
    machine.namespace,
  );
  expect(nspawnProcesses()).toBe("");
});
