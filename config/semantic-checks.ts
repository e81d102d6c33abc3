import path from "node:path";
import type { Organisation } from "./schema";

export interface Check {
  readonly path: readonly PropertyKey[];
  readonly message: string;
}

/** Rules that span fields of one file and that the schema cannot express. */
export function checkOrganisation(org: Organisation, file: string): Check[] {
  const checks: Check[] = [];
  const expectedName = path.basename(file).replace(/\.ya?ml$/, "");
  if (org.name !== expectedName) {
    checks.push({
      path: ["name"],
      message: `is '${org.name}' but the file is ${path.basename(file)}; name the file ${org.name}.yaml or set name: ${expectedName}`,
    });
  }

  if (!org.users.some((u) => u.sudo)) {
    checks.push({
      path: ["users"],
      message: "needs at least one user with sudo: true, or nobody can deploy",
    });
  }
  org.users.forEach((u, i) => {
    if (org.users.findIndex((o) => o.name === u.name) !== i) {
      checks.push({ path: ["users", i, "name"], message: `'${u.name}' is listed twice; merge the entries` });
    }
  });

  const claimed = new Map<string, string>();
  for (const { name, path: at } of namesOf(org)) {
    const owner = claimed.get(name);
    if (owner !== undefined) {
      checks.push({
        path: at,
        message: `'${name}' is already used by ${owner}; each name can serve one site`,
      });
    } else {
      claimed.set(name, at.join("."));
    }
  }

  const workerGroups = Object.keys(org.remoteWorkers?.hosts ?? {});
  if (workerGroups.length > 0 && !(org.dnsZone && org.server.fqdn.endsWith(`.${org.dnsZone}`))) {
    checks.push({
      path: ["remoteWorkers", "hosts"],
      message: `worker hosts are named <group>-<n>.${org.server.fqdn} and get their DNS records from this stack; set dnsZone to the Hetzner DNS zone that holds ${org.server.fqdn}`,
    });
  }
  for (const [group, host] of Object.entries(org.remoteWorkers?.hosts ?? {})) {
    for (const instance of Object.keys(host.roles)) {
      if (!(instance in org.instances)) {
        checks.push({
          path: ["remoteWorkers", "hosts", group, "roles", instance],
          message: `names instance '${instance}', which is not in instances (known: ${Object.keys(org.instances).join(", ")})`,
        });
      }
    }
  }
  return checks;
}

/** Every DNS name an organisation serves, with the field that claims it. */
export function namesOf(org: Organisation): { name: string; path: PropertyKey[] }[] {
  const names: { name: string; path: PropertyKey[] }[] = [
    { name: org.server.fqdn, path: ["server", "fqdn"] },
  ];
  for (const [id, inst] of Object.entries(org.instances)) {
    names.push({ name: inst.domain, path: ["instances", id, "domain"] });
    inst.aliases.forEach((a, i) => names.push({ name: a, path: ["instances", id, "aliases", i] }));
    names.push({ name: inst.admin, path: ["instances", id, "admin"] });
  }
  return names;
}
