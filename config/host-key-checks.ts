import type { Check } from "./check";
import type { Organisation } from "./schema";
import { keyWithoutComment } from "./ssh-keys";

/**
 * An existing server's host key pasted as a user's key: it identifies the server, and its private half lives
 * on the server, so no operator can log in with it, and anyone with root on the server could log in as them.
 */
export function hostKeyAsUserKey(org: Organisation): Check[] {
  if (org.server.provider !== "existing") return [];
  const hostKey = keyWithoutComment(org.server.hostKey);
  return org.users.flatMap((user, i) =>
    user.keys.flatMap((key, k): Check[] =>
      keyWithoutComment(key) === hostKey
        ? [
            {
              path: ["users", i, "keys", k],
              message:
                "is the server's own host key (server.hostKey), which identifies the server and whose private half lives on it; paste the user's own public key (~/.ssh/id_ed25519.pub on their machine)",
            },
          ]
        : [],
    ),
  );
}
