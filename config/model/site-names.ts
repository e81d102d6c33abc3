import type { Instance, Organisation } from "../schema";

/** A DNS name the organisation serves, with the organisation file field that claims it. */
export interface SiteName {
  readonly name: string;
  readonly path: readonly PropertyKey[];
}

/** One instance's public names: its domain, the aliases that redirect to it, and its admin site. */
export function instanceSiteNames(id: string, instance: Instance): SiteName[] {
  return [
    { name: instance.domain, path: ["instances", id, "domain"] },
    ...instance.aliases.map((name, i) => ({ name, path: ["instances", id, "aliases", i] })),
    { name: instance.admin, path: ["instances", id, "admin"] },
  ];
}

/** Every DNS name an organisation serves: the server's FQDN and every instance's names. */
export function siteNamesOf(org: Organisation): SiteName[] {
  return [
    { name: org.server.fqdn, path: ["server", "fqdn"] },
    ...Object.entries(org.instances).flatMap(([id, instance]) => instanceSiteNames(id, instance)),
  ];
}
