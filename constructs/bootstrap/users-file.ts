import type { User } from "../../config/schema";

/**
 * The people who log in to a host, one `user <name> <sudo|-> <shell>` line each, followed by their
 * `key <public key>` lines. Anyone in MANAGED_USERS_GROUP (host-constants.ts) but not in this file is locked.
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
  return lines.join("\n") + "\n";
}
