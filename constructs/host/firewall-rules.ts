import type { FirewallRule } from "../../.gen/providers/hcloud/firewall";
import type { InboundRule } from "./host";

export const ANYWHERE = ["0.0.0.0/0", "::/0"] as const;

/**
 * Cloud firewall rules: SSH from the operators' networks, ICMP (path MTU discovery, ping), and the host's
 * inbound rules. Everything else inbound is dropped; outbound is left open.
 */
export function cloudFirewallRules(
  sshAllowedNetworks: readonly string[],
  rules: readonly InboundRule[],
): FirewallRule[] {
  const ssh: InboundRule = { description: "ssh", protocol: "tcp", port: 22, sources: sshAllowedNetworks };
  return [
    { direction: "in", protocol: "icmp", sourceIps: [...ANYWHERE], description: "icmp" },
    ...[ssh, ...rules].map((r) => ({
      direction: "in",
      protocol: r.protocol,
      port: String(r.port),
      sourceIps: [...r.sources],
      description: r.description,
    })),
  ];
}
