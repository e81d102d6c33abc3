import { Token } from "cdktf";
import { ANYWHERE } from "../host/firewall-rules";
import type { InboundRule } from "../host/host";

export interface NftablesConfig {
  readonly sshPort: number;
  /** Networks that may reach SSH. */
  readonly sshSources: readonly string[];
  readonly rules: readonly InboundRule[];
}

export const NFT_TABLE = "failmap";

const WHOLE_INTERNET = new Set<string>(ANYWHERE);

/** Docker's bridges: docker0, and br-<network id> for every user-defined network (the instances' own). */
const DOCKER_BRIDGES = '{ "docker0", "br-*" }';
/**
 * The cloud's metadata service. It serves the server's user_data, which holds its SSH host private key
 * (constructs/host/cloud-init.ts), and Hetzner cannot change user_data after the server is made.
 */
const METADATA_SERVICE = "169.254.169.254";

/**
 * The host firewall: defence in depth behind the cloud firewall. It lives in its own table and replaces
 * only that table, so Docker's rules (iptables-nft, other tables) are never flushed. Published container
 * ports pass the forward hook, where this table drops one thing only: containers' traffic to the metadata
 * service (scanners fetch any URL they are given). Containers never reach the host's SSH port either, even
 * when SSH is open to the whole internet, and on the host only root (cloud-init) reaches the metadata
 * service: scanner workers on a worker host use the host's network, as uid 65534.
 */
export function renderNftables(config: NftablesConfig): string {
  const rules: InboundRule[] = [
    { description: "SSH", protocol: "tcp", port: config.sshPort, sources: config.sshSources },
    ...config.rules,
  ];
  return [
    "#!/usr/sbin/nft -f",
    "# Managed by failmap bootstrap. Creating the table first makes the delete safe on a fresh host.",
    `table inet ${NFT_TABLE}`,
    `delete table inet ${NFT_TABLE}`,
    `table inet ${NFT_TABLE} {`,
    "  chain input {",
    "    type filter hook input priority filter; policy drop;",
    "    ct state established,related accept",
    "    ct state invalid drop",
    '    iifname "lo" accept',
    `    iifname ${DOCKER_BRIDGES} tcp dport ${config.sshPort} drop comment "containers: not the host's SSH"`,
    "    meta l4proto { icmp, icmpv6 } accept",
    ...rules.flatMap(ruleLines),
    "  }",
    // Accept as policy: whatever Docker's own chains decide about forwarded traffic still holds.
    "  chain forward {",
    "    type filter hook forward priority filter; policy accept;",
    `    iifname ${DOCKER_BRIDGES} ip daddr ${METADATA_SERVICE} drop comment "containers: not the metadata"`,
    "  }",
    "  chain output {",
    "    type filter hook output priority filter; policy accept;",
    `    ip daddr ${METADATA_SERVICE} meta skuid != 0 drop comment "the metadata: root (cloud-init) only"`,
    "  }",
    "}",
    "",
  ].join("\n");
}

function ruleLines(rule: InboundRule): string[] {
  validate(rule);
  const accept = `${rule.protocol} dport ${rule.port} accept comment ${JSON.stringify(rule.description.replace(/"/g, "'"))}`;
  // 0.0.0.0/0 and ::/0 together mean the whole internet: one rule without a source match.
  if (new Set(rule.sources.filter((source) => WHOLE_INTERNET.has(source))).size === 2)
    return [`    ${accept}`];
  return rule.sources.map((source) => `    ${family(source)} saddr ${source} ${accept}`);
}

/**
 * `ip` or `ip6`, decided at synth time. Another host's address is a token whose value is unknown, so such
 * a source is written as a single host, /32 or /128 (see InboundRule), and its suffix tells the family.
 */
function family(source: string): string {
  if (!Token.isUnresolved(source)) return source.includes(":") ? "ip6" : "ip";
  if (source.endsWith("/32")) return "ip";
  if (source.endsWith("/128")) return "ip6";
  throw new Error(`inbound rule source ${source}: write another host's address as <address>/32 or /128`);
}

function validate(rule: InboundRule): void {
  if (!Number.isInteger(rule.port) || rule.port < 1 || rule.port > 65535) {
    throw new Error(`inbound rule "${rule.description}": port ${rule.port} is not a port number (1-65535)`);
  }
  for (const source of rule.sources) {
    if (!Token.isUnresolved(source) && !/^[0-9a-fA-F.:]+\/\d{1,3}$/.test(source)) {
      throw new Error(
        `inbound rule "${rule.description}": ${source} is not a CIDR network (e.g. 192.0.2.0/24)`,
      );
    }
  }
}
