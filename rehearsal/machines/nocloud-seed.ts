import fs from "node:fs";
import path from "node:path";
import type { ServerMachineSpec } from "../hcloud-api/machines";

/** Where cloud-init's NoCloud data source reads its seed inside the machine. */
export const NOCLOUD_SEED_DIR = "var/lib/cloud/seed/nocloud";

/**
 * cloud-init's seed for a server, as Hetzner's metadata service would give it: the user data exactly as the
 * client sent it, and meta-data with the instance id, the hostname (the server's name) and the public keys of
 * its `ssh_keys`. The network is configured from outside the machine (the image's cloud.cfg says so).
 * Meta-data is YAML; JSON is YAML.
 */
export function writeNoCloudSeed(root: string, spec: ServerMachineSpec): void {
  const dir = path.join(root, NOCLOUD_SEED_DIR);
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, "user-data"), spec.userData, { mode: 0o600 });
  const metaData = {
    "instance-id": `i-${spec.id}`,
    "local-hostname": spec.name,
    "public-keys": [...spec.publicKeys],
  };
  fs.writeFileSync(path.join(dir, "meta-data"), `${JSON.stringify(metaData, null, 2)}\n`, { mode: 0o600 });
}
