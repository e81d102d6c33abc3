export interface SshdConfig {
  /** Only members of this group may log in: the deploy user and the managed users. */
  readonly allowGroup: string;
  readonly maxAuthTries?: number;
}

/** Twice the most the stack makes at once, then sshd's own random early drop, up to a hard limit. */
const MAX_STARTUPS = "64:30:128";

/**
 * A drop-in for /etc/ssh/sshd_config.d/. sshd keeps the first value it reads, and the drop-ins are read
 * in name order before the main file, so it is installed as `01-failmap.conf` to win over cloud-init's.
 */
export function renderSshdConfig(config: SshdConfig): string {
  // Agents offer every key they hold, one attempt each: too low a limit locks out people with many keys.
  const maxAuthTries = config.maxAuthTries ?? 5;
  return [
    `# Managed by failmap bootstrap: keys only, no root, only the ${config.allowGroup} group.`,
    "PubkeyAuthentication yes",
    "AuthenticationMethods publickey",
    "PasswordAuthentication no",
    "KbdInteractiveAuthentication no",
    "PermitEmptyPasswords no",
    "PermitRootLogin no",
    `AllowGroups ${config.allowGroup}`,
    `MaxAuthTries ${maxAuthTries}`,
    // The docker provider opens one ssh connection per docker connection, beside up to 10 provisioners:
    // some 30 at once before authentication. sshd's default (10:30:100) drops new connections at random
    // beyond 10, which Terraform sees as resets. Only sshAllowedNetworks reach this port. Unlike most
    // settings, sshd keeps the last MaxStartups it reads: nothing read after this drop-in may set it.
    `MaxStartups ${MAX_STARTUPS}`,
    "LoginGraceTime 30",
    "X11Forwarding no",
    "",
  ].join("\n");
}
