import type { Organisation } from "../../config/schema";
import { ok, problem, type Finding } from "./finding";

/** What `ssh-add -L` found: the agent's public keys, or why there are none. */
export type AgentKeys =
  { readonly kind: "keys"; readonly keys: readonly string[] } | { readonly kind: "no-agent" };

const keyId = (line: string) => line.trim().split(/\s+/).slice(0, 2).join(" ");

/**
 * Deploys log in as the deploy user with a key from the SSH agent, and only sudo users' keys are
 * authorised for it. Keys compare by type and base64 body; comments differ between machines.
 */
export function checkAgentKeys(org: Organisation, agent: AgentKeys): Finding {
  const operators = org.users.filter((u) => u.sudo);
  const holders = operators.map((u) => u.name).join(", ");
  if (agent.kind === "no-agent") {
    return problem(
      "no SSH agent is reachable (SSH_AUTH_SOCK is unset or stale)",
      'start one and add your key: eval "$(ssh-agent)" && ssh-add ~/.ssh/id_ed25519',
    );
  }
  const held = new Set(agent.keys.map(keyId));
  const match = operators.find((u) => u.keys.some((k) => held.has(keyId(k))));
  if (match) return ok(`the SSH agent holds a key of operator ${match.name}`);
  return problem(
    `none of the ${agent.keys.length} key(s) in the SSH agent belongs to an operator (sudo user: ${holders})`,
    `ssh-add the private key of one of them, or add your public key (ssh-add -L) to a sudo user in the organisation file`,
  );
}
