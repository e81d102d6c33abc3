import type { TerraformStack } from "cdktf";
import { ExistingHost } from "../../../constructs/host/existing-host";
import { ready } from "../../support/ready-host";
import { policyStack, synthWithPolicy } from "../../support/policy-stack";

export const HOST_KEY =
  "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIAYLB61MYixZi/K9yIcLjjgUW+4vvH4bazPVx1Pgau3o host";

/** A stack with the project's providers and one existing host, for constructs under test. */
export function testStack(fqdn = "faalserver.faalkaart.nl") {
  const stack = policyStack();
  const host = ready(
    new ExistingHost(stack, "main", { fqdn, address: "192.0.2.10", hostPublicKey: HOST_KEY }),
  );
  return { stack, host };
}

export type Synthesized = Record<string, any>;

export function synth(stack: TerraformStack): Synthesized {
  return synthWithPolicy(stack);
}

export function resources(synthesized: Synthesized, type: string): Synthesized[] {
  return Object.values(synthesized.resource?.[type] ?? {});
}

const PRIVATE_KEY_PEM = /-----BEGIN [A-Z ]*PRIVATE KEY-----/;

/**
 * Every place in the synthesized JSON that mentions a private key: literal PEM text, or a reference to
 * a `private_key_pem` attribute. Returned as JSON paths, so a failing test says where.
 */
export function privateKeyMentions(node: unknown, at = "$"): string[] {
  if (typeof node === "string") {
    return PRIVATE_KEY_PEM.test(node) || /\.private_key_pem\b/.test(node) ? [at] : [];
  }
  if (Array.isArray(node)) return node.flatMap((v, i) => privateKeyMentions(v, `${at}[${i}]`));
  if (node && typeof node === "object") {
    return Object.entries(node).flatMap(([k, v]) => privateKeyMentions(v, `${at}.${k}`));
  }
  return [];
}
