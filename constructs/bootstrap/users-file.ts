import type { User } from "../../config/schema";

/**
 * The people who log in to a host, one `user <name> <sudo|-> <shell>` line each, followed by their
 * `key <public key>` lines; then the deploy user's keys as `deploy-key <public key>` lines. Anyone in
 * MANAGED_USERS_GROUP (host-constants.ts) but not in this file is locked.
 *
 * The deploy user's keys are those of the sudo users, the operators who run Terraform, which logs in as
 * deploy. cloud-init gives deploy the keys of the day the server was made, once; the bootstrap keeps them
 * equal to this list from then on, so a new operator can deploy and a removed one no longer can.
 */
export function renderUsersFile(users: readonly Pick<User, "name" | "sudo" | "shell" | "keys">[]): string {
  const seen = new Set<string>();
  const lines = ["# Managed users, read by scripts/bootstrap/users.sh."];
  for (const user of users) {
    if (seen.has(user.name)) throw new Error(`user ${user.name} is listed twice; merge the entries`);
    seen.add(user.name);
    if (/\s/.test(user.shell))
      throw new Error(`user ${user.name}: the shell ${user.shell} may not hold spaces`);
    lines.push(`user ${user.name} ${user.sudo ? "sudo" : "-"} ${user.shell}`);
    for (const key of user.keys) lines.push(`key ${key.trim()}`);
  }
  const deployKeys = new Set(users.filter((u) => u.sudo).flatMap((u) => u.keys.map((key) => key.trim())));
  if (deployKeys.size === 0) {
    throw new Error(
      "no user has sudo: true, so nobody could deploy (Terraform logs in as deploy with their keys)",
    );
  }
  for (const key of deployKeys) lines.push(`deploy-key ${key}`);
  return lines.join("\n") + "\n";
}
