import { PrivateKey } from "@cdktf/provider-tls/lib/private-key";
import { Fn, Lazy, Token, type ITerraformDependable } from "cdktf";
import type { Construct } from "constructs";
import { Firewall, firewallRuleToTerraform } from "../../.gen/providers/hcloud/firewall";
import { PrimaryIp } from "../../.gen/providers/hcloud/primary-ip";
import { Server } from "../../.gen/providers/hcloud/server";
import { cloudFirewallRules } from "./firewall-rules";
import { cloudInitConfig } from "./cloud-init";
import type { HetznerProjectKeys } from "./hetzner-project-keys";
import { DEPLOY_USER } from "./host";
import { PowerOnAfterTypeChange, ServerTypeChange } from "./server-type-change";
import { SshHost, type HostDns } from "./ssh-host";

export interface HetznerHostProps {
  /** Prefix for Hetzner resource names and labels; Hetzner names are unique per project. */
  readonly organisation: string;
  readonly fqdn: string;
  readonly serverType: string;
  readonly location: string;
  /** A Debian image, e.g. debian-12. */
  readonly image: string;
  /** The operators' keys: the deploy user's at first boot, and the server's Hetzner project keys. */
  readonly operatorKeys: HetznerProjectKeys;
  readonly sshAllowedNetworks: readonly string[];
  /**
   * Daily Hetzner backups (+20% of the server price).
   * @default true
   */
  readonly backups?: boolean;
  /**
   * Hetzner delete and rebuild protection, on the server and its addresses.
   * @default true
   */
  readonly protect?: boolean;
  /**
   * Keep the disk on a server type change (keep_disk), so that the type can be lowered again: a disk grown
   * with a bigger type can never shrink.
   * @default true
   */
  readonly keepDisk?: boolean;
  /**
   * The role label of the server and its resources.
   * @default "main"
   */
  readonly role?: string;
  /**
   * A and AAAA records for the FQDN and these names, when the zone is in Hetzner DNS.
   * @default - no records: the names are managed elsewhere, and the stack waits until the FQDN resolves
   */
  readonly dns?: HostDns;
}

/** A Hetzner Cloud server with its pinned host key, first-boot user, project keys and cloud firewall. */
export class HetznerHost extends SshHost {
  readonly fqdn: string;
  readonly deployUser: string;
  readonly sshPort = 22;
  readonly server: Server;
  /**
   * The addresses, allocated before the server: firewalls and DNS records of other hosts name them without
   * waiting for this server (which would make a cycle when two hosts allow each other), and they survive a
   * replacement of the server, so DNS and allow lists stay right.
   */
  readonly ipv4: PrimaryIp;
  readonly ipv6: PrimaryIp;
  readonly reachable: ITerraformDependable;
  private readonly hostKey: PrivateKey;

  constructor(scope: Construct, name: string, props: HetznerHostProps) {
    super(scope, name);
    this.fqdn = props.fqdn;
    this.deployUser = DEPLOY_USER;
    const labels = { organisation: props.organisation, role: props.role ?? "main", "managed-by": "cdktf" };
    const hostname = props.fqdn.split(".")[0];

    this.hostKey = new PrivateKey(this, "host-key", { algorithm: "ED25519" });

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
    const primaryIp = (type: "ipv4" | "ipv6") =>
      new PrimaryIp(this, type, {
        name: `${props.fqdn}-${type}`,
        type,
        location: props.location,
        // Kept when the server is replaced; deleted with the stack.
        autoDelete: false,
        deleteProtection: protect,
        labels,
        // The server takes the address (its public_net), so the assignee is the server's business. hcloud
        // 1.64 warns on assignee_type without assignee_id; left out of the configuration, both would be
        // planned as unknown on any other change here (labels, protection), and the provider then unassigns
        // the address from the running server. Ignored, they keep the values in state.
        lifecycle: { ignoreChanges: ["assignee_id", "assignee_type"] },
      });
    this.ipv4 = primaryIp("ipv4");
    this.ipv6 = primaryIp("ipv6");
    // Docker and MariaDB are stopped cleanly before the provider powers the server off to change its type.
    const typeChange = new ServerTypeChange(this, "type-change", {
      target: this,
      address: this.ipv4.ipAddress,
      assigneeId: Token.asString(this.ipv4.assigneeId),
      serverType: props.serverType,
    });
    this.server = new Server(this, "server", {
      name: props.fqdn,
      serverType: props.serverType,
      keepDisk: props.keepDisk ?? true,
      location: props.location,
      image: props.image,
      backups: props.backups ?? true,
      deleteProtection: protect,
      rebuildProtection: protect,
      labels,
      publicNet: [
        {
          ipv4Enabled: true,
          ipv4: Token.asNumber(this.ipv4.id),
          ipv6Enabled: true,
          ipv6: Token.asNumber(this.ipv6.id),
        },
      ],
      sshKeys: [...props.operatorKeys.ids],
      // Attached at creation, so the server is never up without its firewall, not even for a moment.
      firewallIds: [Token.asNumber(firewall.id)],
      userData: cloudInit({
        hostname,
        fqdn: props.fqdn,
        deployUser: this.deployUser,
        deployKeys: props.operatorKeys.keys.map((k) => k.publicKey),
        hostKey: {
          privateOpenssh: this.hostKey.privateKeyOpenssh,
          publicOpenssh: this.hostKey.publicKeyOpenssh,
        },
      }),
      dependsOn: [typeChange.resource],
      lifecycle: {
        // user_data and ssh_keys only matter at first boot, and changing either makes Hetzner replace the
        // server. After that, bootstrap owns users and keys: a new operator must never rebuild production.
        ignoreChanges: ["user_data", "ssh_keys"],
      },
    });

    // The provider leaves the server off after a type change; the name wait, and all after it, waits for this.
    const powerOn = new PowerOnAfterTypeChange(this, "power-on", {
      serverId: this.server.id,
      serverType: props.serverType,
      dependsOn: [this.server],
    });
    this.reachable = this.awaitName(this.ipv4Address, props.dns, [powerOn.resource]);
  }

  get ipv4Address(): string {
    return this.ipv4.ipAddress;
  }

  /** Hetzner gives a server the first address of its /64. */
  get ipv6Address(): string {
    return Fn.cidrhost(this.ipv6.ipNetwork, 1);
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
