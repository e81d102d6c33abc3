import { isIPv4 } from "node:net";
import type { Zone } from "../hcloud-api/state/zones";
import type { Organisation } from "../../config/schema";
import { siteNamesOf } from "../../config/model/site-names";

/** The addresses one DNS name resolves to in the rehearsal. */
export interface NameAddresses {
  readonly ipv4: readonly string[];
  readonly ipv6: readonly string[];
}

/** A booted server as the local API handed it to its machine: its name (an FQDN here) and addresses. */
export interface BootedServer {
  readonly name: string;
  readonly ipv4: string;
  readonly ipv6: string;
}

/**
 * Every name the rehearsal must resolve, for the operator's side (a hosts file) and the servers' (the DNS
 * server on the gateway): what the organisation's zone holds in the local API (A and AAAA RRSets), each
 * server by its name, and, for names the stack manages no record of (an existing server, or no dnsZone),
 * what the organisation's operator would have pointed at the server by hand.
 */
export function rehearsalNames(
  org: Organisation,
  servers: readonly BootedServer[],
  zones: readonly Zone[],
): Map<string, NameAddresses> {
  const names = new Map<string, { ipv4: Set<string>; ipv6: Set<string> }>();
  const add = (name: string, address: string) => {
    const entry = names.get(name) ?? { ipv4: new Set<string>(), ipv6: new Set<string>() };
    (isIPv4(address) ? entry.ipv4 : entry.ipv6).add(address);
    names.set(name, entry);
  };
  for (const zone of zones) {
    for (const rrset of Object.values(zone.rrsets)) {
      if (rrset.type !== "A" && rrset.type !== "AAAA") continue;
      const name = rrset.name === "@" ? zone.name : `${rrset.name}.${zone.name}`;
      rrset.records.forEach((record) => add(name, record.value));
    }
  }
  for (const server of servers) {
    add(server.name, server.ipv4);
    add(server.name, server.ipv6);
  }
  const main =
    org.server.provider === "existing"
      ? [org.server.address]
      : servers.filter((s) => s.name === org.server.fqdn).flatMap((s) => [s.ipv4, s.ipv6]);
  for (const { name } of siteNamesOf(org)) {
    if (!names.has(name)) main.forEach((address) => add(name, address));
  }
  return new Map(
    [...names]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([name, { ipv4, ipv6 }]) => [name, { ipv4: [...ipv4].sort(), ipv6: [...ipv6].sort() }]),
  );
}

export const HOSTS_MARKER = "# failmap rehearsal";

/** The operator side's /etc/hosts during a rehearsal: this machine's own, then one line per address. */
export function renderHostsFile(base: string, names: ReadonlyMap<string, NameAddresses>): string {
  const lines = [...names].flatMap(([name, { ipv4, ipv6 }]) =>
    [...ipv4, ...ipv6].map((address) => `${address} ${name}`),
  );
  return `${base.trimEnd()}\n${HOSTS_MARKER}\n${lines.join("\n")}\n`;
}
