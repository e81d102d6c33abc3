import type { ITerraformDependable } from "cdktf";
import type { Construct } from "constructs";
import { DEPLOY_USER } from "./host";
import { SshHost, type HostDns } from "./ssh-host";

export interface ExistingHostProps {
  readonly fqdn: string;
  readonly address: string;
  /** The server's SSH host public key, as in /etc/ssh/ssh_host_ed25519_key.pub. */
  readonly hostPublicKey: string;
  /** @default 22 */
  readonly sshPort?: number;
  /**
   * A and AAAA records for the FQDN and these names, when the zone is in Hetzner DNS.
   * @default - no records: the names are managed elsewhere, and the stack waits until the FQDN resolves
   */
  readonly dns?: HostDns;
}

/**
 * A server at any provider that is reachable by SSH, with the `deploy` user (the operators' keys,
 * passwordless sudo) set up by hand beforehand, as docs/hosting.md describes. Nothing is created for it: its firewall is the host
 * firewall that bootstrap renders from `inboundRules`.
 */
export class ExistingHost extends SshHost {
  readonly fqdn: string;
  readonly ipv4Address: string;
  readonly ipv6Address?: string;
  readonly machineId: string;
  readonly deployUser: string;
  readonly sshPort: number;
  readonly hostPublicKey: string;
  readonly reachable: ITerraformDependable;

  constructor(scope: Construct, name: string, props: ExistingHostProps) {
    super(scope, name);
    this.fqdn = props.fqdn;
    const v6 = props.address.includes(":");
    this.ipv4Address = v6 ? "" : props.address;
    this.ipv6Address = v6 ? props.address : undefined;
    // The host key identifies the machine: a reinstalled server has a new one, and is bootstrapped again.
    this.machineId = props.hostPublicKey.split(" ")[1];
    this.deployUser = DEPLOY_USER;
    this.sshPort = props.sshPort ?? 22;
    this.hostPublicKey = props.hostPublicKey;
    this.reachable = this.awaitName(props.address, props.dns);
  }
}
