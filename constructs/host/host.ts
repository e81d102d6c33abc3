import type { DockerProvider } from "@cdktf/provider-docker/lib/provider";
import type { ITerraformDependable, SSHProvisionerConnection, TerraformResource } from "cdktf";

/**
 * The account bootstrap and the docker provider log in as: created by cloud-init on Hetzner servers, by hand
 * on existing ones, and reserved in organisation files.
 */
export const DEPLOY_USER = "deploy";

/** A port opened to the world or to some networks, on the cloud firewall and on the host's own nftables. */
export interface InboundRule {
  readonly description: string;
  readonly protocol: "tcp" | "udp";
  readonly port: number;
  /** CIDR networks. Another host is let in with Host.allowFrom, never by writing its address here. */
  readonly sources: readonly string[];
}

/** A host's own addresses as networks for a firewall rule: its IPv4 as a /32 and its IPv6 as a /128. */
export function hostNetworks(host: Pick<Host, "ipv4Address" | "ipv6Address">): string[] {
  return [
    ...(host.ipv4Address ? [`${host.ipv4Address}/32`] : []),
    ...(host.ipv6Address ? [`${host.ipv6Address}/128`] : []),
  ];
}

/**
 * A Debian server that the rest of the stack deploys onto. Layers above (bootstrap, containers, TLS,
 * monitoring) only see this interface, never the cloud provider's resources, so any SSH-reachable VPS
 * (ExistingHost) works as well as a Hetzner server (HetznerHost).
 */
export interface Host {
  /** Short, stable name used in construct IDs and labels, e.g. "main" or "scanners-1". */
  readonly name: string;
  /** The name the stack reaches the host by. Known at plan time, so providers can be configured with it. */
  readonly fqdn: string;
  readonly ipv4Address: string;
  readonly ipv6Address?: string;
  /** Changes when the machine is replaced, so that per-machine work (bootstrap) runs again. */
  readonly machineId: string;
  /**
   * A resource replaced with the machine, and with nothing else: what lifecycle.replace_triggered_by names
   * (ReplacedWithMachine in stacks/aspects), since it takes resources, not values.
   */
  readonly machine: TerraformResource;
  /** The sudo-capable user that bootstrap and the docker provider log in as. */
  readonly deployUser: string;
  readonly sshPort: number;
  /** The pinned SSH host key, "ssh-ed25519 AAAA...": no trust on first use. */
  readonly hostPublicKey: string;
  /** Done once the FQDN resolves to the host: everything that connects by name depends on it. */
  readonly reachable: ITerraformDependable;
  /**
   * Done once the host's HostBootstrap has run (users, Docker, MariaDB): everything that runs on the host
   * depends on it. Reading it before a HostBootstrap exists for the host is an error.
   */
  readonly ready: ITerraformDependable;
  /** Called by HostBootstrap, once, with its last step. */
  markReady(bootstrap: ITerraformDependable): void;
  /** Ports this host serves beyond SSH. The cloud firewall and the host firewall are both built from these. */
  readonly inboundRules: readonly InboundRule[];
  allowInbound(rule: InboundRule): void;
  /** Opens a port to another host of the stack, by its addresses (known before either server exists). */
  allowFrom(other: Host, rule: Omit<InboundRule, "sources">): void;
  /** Connection for provisioners: the deploy user, the pinned host key, keys from the SSH agent. */
  sshConnection(): SSHProvisionerConnection;
  /** A docker provider that reaches this host's engine over SSH, created once per host. */
  dockerProvider(): DockerProvider;
}
