export interface CloudInitInput {
  readonly hostname: string;
  readonly fqdn: string;
  readonly deployUser: string;
  /**
   * Operators' SSH public keys: the deploy user's authorized_keys for the first bootstrap. user_data is read
   * once, so from then on the bootstrap keeps them equal to the sudo users' keys (scripts/bootstrap/users.sh).
   */
  readonly deployKeys: readonly string[];
  /** The pre-generated host key, so the stack can pin it before the server ever boots. */
  readonly hostKey: { readonly privateOpenssh: string; readonly publicOpenssh: string };
}

/**
 * First-boot configuration. Root login and passwords are off from the first boot, before bootstrap runs,
 * so there is no window in which the fresh server accepts a root login. Returned as data: the host key is
 * only known at apply time, so Terraform's yamlencode must quote it, not a renderer at synth time.
 */
export function cloudInitConfig(input: CloudInitInput): Record<string, unknown> {
  return {
    hostname: input.hostname,
    fqdn: input.fqdn,
    prefer_fqdn_over_hostname: true,
    disable_root: true,
    ssh_pwauth: false,
    ssh_deletekeys: true,
    ssh_genkeytypes: [],
    ssh_keys: {
      ed25519_private: input.hostKey.privateOpenssh,
      ed25519_public: input.hostKey.publicOpenssh,
    },
    users: [
      {
        name: input.deployUser,
        gecos: "Failmap deploy (Terraform)",
        groups: ["sudo"],
        shell: "/bin/bash",
        sudo: "ALL=(ALL) NOPASSWD:ALL",
        lock_passwd: true,
        ssh_authorized_keys: [...input.deployKeys],
      },
    ],
    write_files: [
      {
        path: "/etc/ssh/sshd_config.d/00-failmap-first-boot.conf",
        permissions: "0644",
        content: "PermitRootLogin no\nPasswordAuthentication no\nKbdInteractiveAuthentication no\n",
      },
    ],
  };
}
