import type { Organisation } from "../../config/schema";
import { inZone } from "../../config/name-checks";
import { siteNamesOf } from "../../config/model/site-names";
import { ok, problem, warning, type Finding } from "./finding";

/** Resolves a name to its addresses; an empty list when it does not resolve. */
export type Resolver = (name: string) => Promise<string[]>;

/**
 * Certificates (DNS-01 aside), bootstrap and the docker provider all reach the server by name. Names in
 * dnsZone get their records from the stack; the rest must point at the server already, or soon.
 */
export async function checkNames(org: Organisation, resolve: Resolver): Promise<Finding[]> {
  const server = org.server;
  const names = siteNamesOf(org).map((n) => n.name);
  const managed = names.filter((n) => inZone(n, org.dnsZone));
  const findings: Finding[] = [];
  if (managed.length > 0) {
    findings.push(
      ok(`the deploy creates the records of ${managed.join(", ")} in the Hetzner DNS zone ${org.dnsZone}`),
    );
  }
  for (const name of names.filter((n) => !managed.includes(n))) {
    const addresses = await resolve(name);
    if (server.provider === "existing") {
      if (addresses.includes(server.address))
        findings.push(ok(`${name} resolves to the server (${server.address})`));
      else if (addresses.length === 0) {
        findings.push(problem(`${name} does not resolve`, `create a DNS record ${name} → ${server.address}`));
      } else {
        findings.push(
          problem(
            `${name} resolves to ${addresses.join(", ")}, not to the server (${server.address})`,
            `point ${name} at ${server.address}`,
          ),
        );
      }
    } else if (addresses.length === 0) {
      findings.push(
        warning(
          `${name} does not resolve yet`,
          `after the first deploy creates the server, point ${name} at its address (npm run state -- ${org.name} show <the hcloud_server>); the deploy waits for it`,
        ),
      );
    } else {
      findings.push(ok(`${name} resolves (${addresses.join(", ")})`));
    }
  }
  return findings;
}
