import { createHash } from "node:crypto";

/**
 * Per resource type, the arguments whose change makes its provider replace the resource rather than update
 * it (ForceNew / RequiresReplace in the providers' source). A replaced server loses its disk, a replaced
 * container drops its connections, a replaced key or password breaks what was made with it, so a change to
 * one of these must be a decision, not an accident: the stack snapshot records them, hashed.
 * The docker provider replaces a container on a change to almost any argument; the ones listed are those the
 * stack sets.
 */
export const REPLACING_ARGUMENTS: Readonly<Record<string, readonly string[]>> = {
  hcloud_server: ["name", "location", "image", "user_data", "ssh_keys", "public_net"],
  hcloud_primary_ip: ["type", "location", "datacenter"],
  hcloud_ssh_key: ["public_key"],
  hcloud_zone_rrset: ["zone", "name", "type"],
  docker_container: [
    "name",
    "image",
    "command",
    "entrypoint",
    "env",
    "user",
    "network_mode",
    "networks_advanced",
    "ports",
    "mounts",
    "volumes",
    "upload",
    "labels",
    "memory",
    "healthcheck",
  ],
  docker_image: ["name", "pull_triggers"],
  docker_network: ["name", "labels"],
  docker_volume: ["name", "labels"],
  null_resource: ["triggers"],
  random_password: ["length", "special", "keepers"],
  random_id: ["byte_length", "keepers"],
  tls_private_key: ["algorithm", "rsa_bits", "ecdsa_curve"],
  tls_cert_request: ["private_key_pem", "subject", "dns_names", "ip_addresses"],
  tls_locally_signed_cert: ["cert_request_pem", "ca_cert_pem", "ca_private_key_pem", "validity_period_hours"],
  tls_self_signed_cert: ["private_key_pem", "subject", "dns_names", "validity_period_hours"],
  acme_registration: ["account_key_pem", "email_address"],
  acme_certificate: ["account_key_pem", "common_name", "subject_alternative_names", "key_type"],
};

const short = (value: unknown) =>
  createHash("sha256").update(JSON.stringify(value)).digest("hex").slice(0, 12);

/**
 * Every resource of a synthesized stack by address, with a short hash of each argument that would replace
 * it: what a lean snapshot keeps. File contents and the like are covered by the renderers' own tests.
 */
export function replacementFingerprint(synth: Record<string, any>): Record<string, Record<string, string>> {
  const fingerprint: Record<string, Record<string, string>> = {};
  for (const [type, blocks] of Object.entries<Record<string, Record<string, unknown>>>(
    synth.resource ?? {},
  )) {
    for (const [name, block] of Object.entries(blocks)) {
      const args = (REPLACING_ARGUMENTS[type] ?? []).filter((arg) => block[arg] !== undefined);
      fingerprint[`${type}.${name}`] = Object.fromEntries(args.map((arg) => [arg, short(block[arg])]));
    }
  }
  return Object.fromEntries(Object.entries(fingerprint).sort(([a], [b]) => a.localeCompare(b)));
}
