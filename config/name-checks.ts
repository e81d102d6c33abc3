import { dnsLengthProblem } from "./dns-names";
import { workerHostsOf } from "./model/organisation-model";
import { siteNamesOf } from "./model/site-names";
import type { Organisation } from "./schema";
import type { Check } from "./check";

/** Let's Encrypt's limit on names per certificate (https://letsencrypt.org/docs/rate-limits/). */
export const MAX_NAMES_PER_CERTIFICATE = 100;

/** True when `name` is `zone` or lies inside it. */
export const inZone = (name: string, zone: string | undefined): boolean =>
  zone !== undefined && (name === zone || name.endsWith(`.${zone}`));

/**
 * With dnsZone set, the stack creates the records of every name (constructs/host/dns-records.ts), but only
 * of names inside the zone: one outside would silently get none.
 */
export function namesOutsideZone(org: Organisation): Check[] {
  const zone = org.dnsZone;
  if (zone === undefined) return [];
  return siteNamesOf(org)
    .filter((n) => !inZone(n.name, zone))
    .map((n) => ({
      path: n.path,
      message: `'${n.name}' is outside dnsZone ${zone}, so the stack would create no DNS record for it; use a name under ${zone}, or remove dnsZone and create every record yourself`,
    }));
}

/** The main host has one certificate for every name it serves (constructs/tls/certificates.ts). */
export function tooManyCertificateNames(org: Organisation): Check[] {
  if (org.acme.mode !== "acme") return [];
  const names = new Set(siteNamesOf(org).map((n) => n.name));
  if (names.size <= MAX_NAMES_PER_CERTIFICATE) return [];
  return [
    {
      path: ["instances"],
      message: `give the server's certificate ${names.size} names (server.fqdn and every instance's domain, aliases and admin); Let's Encrypt allows ${MAX_NAMES_PER_CERTIFICATE} per certificate: drop aliases, or move instances to another organisation file and server`,
    },
  ];
}

/** Worker hosts are named <group>-<n>.<server.fqdn>: a name the file holds only in parts, checked whole. */
export function workerHostNameLengths(org: Organisation): Check[] {
  const checks = new Map<string, Check>();
  for (const host of workerHostsOf(org)) {
    const problem = dnsLengthProblem(host.fqdn);
    if (problem && !checks.has(host.group)) {
      checks.set(host.group, {
        path: ["remoteWorkers", "hosts", host.group],
        message: `names a server ${host.fqdn} (<group>-<n>.<server.fqdn>), which ${problem.replace(/: [^:]*$/, "")}: shorten the group's name or server.fqdn`,
      });
    }
  }
  return [...checks.values()];
}
