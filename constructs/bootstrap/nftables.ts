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

/**
 * The host firewall: defence in depth behind the cloud firewall. It lives in its own table and replaces
 * only that table, so Docker's rules (iptables-nft, other tables) are never flushed. Published container
 * ports pass the forward hook, which this table leaves alone; it filters what reaches the host itself.
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
    "    meta l4proto { icmp, icmpv6 } accept",
    ...rules.flatMap(ruleLines),
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
