import { execFileSync, spawnSync } from "node:child_process";
import fs from "node:fs";
import { isIPv4 } from "node:net";
import os from "node:os";
import path from "node:path";
import { networkOf } from "../../config/cidr";
import type { Organisation } from "../../config/schema";
import { NspawnMachines } from "../machines/nspawn-machines";
import type { RehearsalNetwork } from "../network/rehearsal-network";

/** The existing server's machine id (the local API's servers start at 1000). */
export const EXISTING_HOST_ID = 1;

/**
 * The host key of the rehearsal's stand-in for an existing server. The organisation file pins the real
 * server's key, whose private half only that server has; the rehearsal's machine gets a key of its own, and
 * the copy of the file pins that one (printed as a swap).
 */
export function existingHostKey(dir: string, fqdn: string): { privateKey: string; publicKey: string } {
  const file = path.join(dir, "ssh_host_ed25519_key");
  if (!fs.existsSync(file)) {
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
    execFileSync("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-C", `root@${fqdn}`, "-f", file]);
  }
  return {
    privateKey: fs.readFileSync(file, "utf8"),
    publicKey: fs.readFileSync(`${file}.pub`, "utf8").trim(),
  };
}

/**
 * cloud-config that prepares the machine exactly as docs/hosting.md tells an operator to prepare an existing
 * server (section 3), with the sudo users' keys in ~deploy/.ssh/authorized_keys; plus the host key.
 */
export function preparationUserData(
  hostKey: { privateKey: string; publicKey: string },
  deployKeys: readonly string[],
): string {
  const config = {
    ssh_keys: { ed25519_private: hostKey.privateKey, ed25519_public: hostKey.publicKey },
    ssh_genkeytypes: [],
    runcmd: [
      ["adduser", "--disabled-password", "--gecos", "Failmap deploy (Terraform)", "deploy"],
      ["sh", "-c", "echo 'deploy ALL=(ALL) NOPASSWD:ALL' | tee /etc/sudoers.d/90-failmap-deploy"],
      ["install", "-d", "-m", "700", "-o", "deploy", "-g", "deploy", "/home/deploy/.ssh"],
      ["sh", "-c", 'printf "%s\\n" "$@" > /home/deploy/.ssh/authorized_keys', "keys", ...deployKeys],
      ["chown", "deploy:deploy", "/home/deploy/.ssh/authorized_keys"],
      ["chmod", "600", "/home/deploy/.ssh/authorized_keys"],
    ],
  };
  // JSON is YAML.
  return `#cloud-config\n${JSON.stringify(config, null, 2)}\n`;
}

/** A network of this machine (not the rehearsal's) that holds `address`: the rehearsal must not take it. */
function hostNetworkHolding(address: string, network: RehearsalNetwork): string | undefined {
  for (const [name, addresses] of Object.entries(os.networkInterfaces())) {
    if (name.startsWith(`${network.prefix}-`)) continue;
    for (const a of addresses ?? []) {
      if (a.family !== "IPv4" || a.internal || !isIPv4(address)) continue;
      if (networkOf(a.cidr ?? "") === networkOf(`${address}/${a.cidr?.split("/")[1]}`))
        return `${name} (${a.cidr})`;
    }
  }
  return undefined;
}

/**
 * Boots the stand-in for an existing server at the address the organisation file names, prepared as the
 * docs say, and waits until the deploy user can log in with the operator's key and use sudo.
 */
export async function bootExistingHost(
  org: Organisation,
  network: RehearsalNetwork,
  hostKey: { privateKey: string; publicKey: string },
  operatorKeys: readonly string[],
  agentSocket: string,
  log: (line: string) => void,
  trustedCertificates: readonly string[],
): Promise<void> {
  if (org.server.provider !== "existing") throw new Error("not an existing server");
  const address = org.server.address;
  const taken = hostNetworkHolding(address, network);
  if (taken) {
    throw new Error(
      `server.address ${address} lies in this machine's own network ${taken}: the rehearsal would hide that network behind its bridge. Rehearse a copy of the file with another address (e.g. 10.250.0.10)`,
    );
  }
  if (!isIPv4(address))
    throw new Error(`server.address ${address}: the rehearsal boots existing servers at IPv4 addresses only`);
  const machines = new NspawnMachines({ network, log, trustedCertificates });
  await machines.create({
    id: EXISTING_HOST_ID,
    name: org.server.fqdn,
    ipv4: address,
    ipv6: `${networkOf(`${network.gateway6.address}/64`).split("/")[0]}ffff`,
    userData: preparationUserData(hostKey, operatorKeys),
    publicKeys: [],
  });
  await waitForDeployLogin(address, hostKey.publicKey, agentSocket);
}

/** cloud-init's runcmd runs after sshd starts: wait until `deploy` logs in and sudo works, as the deploy needs. */
async function waitForDeployLogin(address: string, hostKey: string, agentSocket: string): Promise<void> {
  const deadline = Date.now() + 180_000;
  let last = "";
  while (Date.now() < deadline) {
    const result = spawnSync(
      "ssh",
      [
        ...["-o", "BatchMode=yes", "-o", "StrictHostKeyChecking=yes", "-o", "UserKnownHostsFile=/dev/null"],
        ...["-o", `KnownHostsCommand=/bin/echo %H ${hostKey}`, "-o", "ConnectTimeout=5"],
        `deploy@${address}`,
        "sudo -n true && echo prepared",
      ],
      { env: { ...process.env, SSH_AUTH_SOCK: agentSocket }, encoding: "utf8", timeout: 20_000 },
    );
    if (result.stdout.includes("prepared")) return;
    last = (result.stderr || result.stdout).trim().split("\n").pop() ?? "";
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
  throw new Error(`the existing server at ${address} never let deploy log in and sudo: ${last}`);
}
