export interface SshdConfig {
  /** Only members of this group may log in: the deploy user and the managed users. */
  readonly allowGroup: string;
  readonly maxAuthTries?: number;
}

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
    "LoginGraceTime 30",
    "X11Forwarding no",
    "",
  ].join("\n");
}
