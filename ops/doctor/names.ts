import { isLetsEncrypt } from "../../config/acme-directory";
import type { Organisation } from "../../config/schema";
import { inZone } from "../../config/name-checks";
import { siteNamesOf } from "../../config/model/site-names";
import { ok, problem, warning, type Finding } from "./finding";

/** Resolves a name to its addresses; an empty list when it does not resolve. */
export type Resolver = (name: string) => Promise<string[]>;

/**
 * Whether the organisation's sites are public: with Let's Encrypt they are, and a name that does not point at
 * the server is a site nobody reaches. Self-signed certificates, or a CA of one's own (a directory URL), mean
 * a test or private organisation, whose names may resolve only where its users are (or nowhere yet).
 */
const sitesArePublic = (org: Organisation): boolean =>
  org.acme.mode === "acme" && isLetsEncrypt(org.acme.directory);

/**
 * Bootstrap and the docker provider reach the server by its FQDN, so that name must resolve here. Names in
 * dnsZone get their records from the stack; the instances' other names must point at the server already,
 * or soon, when the sites are public; otherwise a name that does not is worth a warning, not a stop.
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
      const needed = name === server.fqdn || sitesArePublic(org) ? problem : privateSite;
      if (addresses.includes(server.address))
        findings.push(ok(`${name} resolves to the server (${server.address})`));
      else if (addresses.length === 0) {
        findings.push(needed(`${name} does not resolve`, `create a DNS record ${name} → ${server.address}`));
      } else {
        findings.push(
          needed(
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

/** A site name of a private or test organisation: the deploy does not need it, only the site's users do. */
const privateSite = (message: string, fix: string): Finding =>
  warning(
    `${message}; the deploy does not need it (no public CA)`,
    `${fix} where the site's users resolve it`,
  );
