import { PrivateKey } from "@cdktf/provider-tls/lib/private-key";
import { Fn, Lazy, Token, type ITerraformDependable } from "cdktf";
import type { Construct } from "constructs";
import { Firewall, firewallRuleToTerraform } from "../../.gen/providers/hcloud/firewall";
import { Server } from "../../.gen/providers/hcloud/server";
import { SshKey } from "../../.gen/providers/hcloud/ssh-key";
import { cloudFirewallRules } from "./firewall-rules";
import { cloudInitConfig } from "./cloud-init";
import { DEPLOY_USER } from "./host";
import { SshHost, type HostDns } from "./ssh-host";

export interface HetznerHostProps {
  /** Prefix for Hetzner resource names and labels; Hetzner names are unique per project. */
  readonly organisation: string;
  readonly fqdn: string;
  readonly serverType: string;
  readonly location: string;
  /** A Debian image, e.g. debian-12. */
  readonly image: string;
  /** Operators' public keys, for the deploy user and as Hetzner project keys. */
  readonly operatorKeys: readonly { readonly name: string; readonly publicKey: string }[];
  readonly sshAllowedNetworks: readonly string[];
  /** Default: true. Daily Hetzner backups (+20% of the server price). */
  readonly backups?: boolean;
  /** Default: true. Hetzner delete and rebuild protection. */
  readonly protect?: boolean;
  /** Default: main. */
  readonly role?: string;
  /** A and AAAA records for the FQDN and these names, when the zone is in Hetzner DNS. */
  readonly dns?: HostDns;
}

/** A Hetzner Cloud server with its pinned host key, first-boot user, project keys and cloud firewall. */
export class HetznerHost extends SshHost {
  readonly fqdn: string;
  readonly deployUser: string;
  readonly sshPort = 22;
  readonly server: Server;
  readonly reachable: ITerraformDependable;
  private readonly hostKey: PrivateKey;

  constructor(scope: Construct, name: string, props: HetznerHostProps) {
    super(scope, name);
    this.fqdn = props.fqdn;
    this.deployUser = DEPLOY_USER;
    const labels = { organisation: props.organisation, role: props.role ?? "main", "managed-by": "cdktf" };
    const hostname = props.fqdn.split(".")[0];

    this.hostKey = new PrivateKey(this, "host-key", { algorithm: "ED25519" });

    const projectKeys = props.operatorKeys.map(
      (key) =>
        new SshKey(this, `ssh-key-${key.name}`, {
          name: `${props.organisation}-${name}-${key.name}`,
          publicKey: key.publicKey,
          labels,
        }),
    );

    const firewall = new Firewall(this, "firewall", {
      name: `${props.organisation}-${name}`,
      labels,
      // Lazy: layers built after the host (webserver, broker endpoint, monitoring) add their ports.
      rule: Lazy.anyValue({
        produce: () =>
          cloudFirewallRules(props.sshAllowedNetworks, this.inboundRules).map(firewallRuleToTerraform),
      }) as never,
    });

    const protect = props.protect ?? true;
    this.server = new Server(this, "server", {
      name: props.fqdn,
      serverType: props.serverType,
      location: props.location,
      image: props.image,
      backups: props.backups ?? true,
      deleteProtection: protect,
      rebuildProtection: protect,
      labels,
      publicNet: [{ ipv4Enabled: true, ipv6Enabled: true }],
      sshKeys: projectKeys.map((k) => k.id),
      // Attached at creation, so the server is never up without its firewall, not even for a moment.
      firewallIds: [Token.asNumber(firewall.id)],
      userData: cloudInit({
        hostname,
        fqdn: props.fqdn,
        deployUser: this.deployUser,
        deployKeys: props.operatorKeys.map((k) => k.publicKey),
        hostKey: {
          privateOpenssh: this.hostKey.privateKeyOpenssh,
          publicOpenssh: this.hostKey.publicKeyOpenssh,
        },
      }),
      lifecycle: {
        // user_data and ssh_keys only matter at first boot, and changing either makes Hetzner replace the
        // server. After that, bootstrap owns users and keys: a new operator must never rebuild production.
        ignoreChanges: ["user_data", "ssh_keys"],
      },
    });

    this.reachable = this.awaitName(this.ipv4Address, props.dns);
  }

  get ipv4Address(): string {
    return this.server.ipv4Address;
  }

  get ipv6Address(): string {
    return this.server.ipv6Address;
  }

  get machineId(): string {
    return this.server.id;
  }

  get hostPublicKey(): string {
    // The tls provider ends the key with a newline, which would break the ssh option it is pinned in.
    return Fn.trimspace(this.hostKey.publicKeyOpenssh);
  }
}

function cloudInit(input: Parameters<typeof cloudInitConfig>[0]): string {
  return `#cloud-config\n${Fn.yamlencode(cloudInitConfig(input))}`;
}
