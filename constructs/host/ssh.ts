import { DockerProvider } from "@cdktf/provider-docker/lib/provider";
import type { SSHProvisionerConnection } from "cdktf";
import type { Construct } from "constructs";

export interface SshTarget {
  readonly fqdn: string;
  readonly deployUser: string;
  readonly sshPort: number;
  readonly hostPublicKey: string;
}

/** The private key comes from the operator's (or CI's) SSH agent only: no key material in the stack. */
export function sshConnection(target: SshTarget): SSHProvisionerConnection {
  return {
    type: "ssh",
    host: target.fqdn,
    port: target.sshPort,
    user: target.deployUser,
    hostKey: target.hostPublicKey,
    agent: "true",
    timeout: "10m",
  };
}

/**
 * The docker provider talks to the engine through `ssh`. The host key is pinned with KnownHostsCommand,
 * which prints the expected key, so no known_hosts file has to exist on the machine that runs the plan.
 * One ssh process per docker connection, not multiplexed: sshd is sized for that instead (MaxStartups in
 * constructs/bootstrap/sshd-config.ts). A ControlMaster carries at most sshd's MaxSessions (10) sessions;
 * ssh opens a connection of its own for each one beyond (OpenSSH 9.2, seen), which is the load again, and
 * ControlPersist leaves the master running after Terraform exits.
 */
export function sshDockerProvider(scope: Construct, alias: string, target: SshTarget): DockerProvider {
  const port = target.sshPort === 22 ? "" : `:${target.sshPort}`;
  return new DockerProvider(scope, "docker", {
    alias,
    host: `ssh://${target.deployUser}@${target.fqdn}${port}`,
    disableDockerDaemonCheck: true,
    sshOpts: [
      "-o",
      "StrictHostKeyChecking=yes",
      "-o",
      "UserKnownHostsFile=/dev/null",
      "-o",
      `KnownHostsCommand=/bin/echo %H ${target.hostPublicKey}`,
      "-o",
      "BatchMode=yes",
    ],
  });
}
