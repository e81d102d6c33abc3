import path from "node:path";
import type { Check } from "./check";
import { hostKeyAsUserKey } from "./host-key-checks";
import { namesOutsideZone, tooManyCertificateNames, workerHostNameLengths } from "./name-checks";
import { claimedNamesOf } from "./model/organisation-model";
import { assignSlots } from "./model/slots";
import { portClashes } from "./port-plan";
import type { Organisation } from "./schema";
import { serverTypeProblem } from "./server-catalogue";
import { specialUseNames } from "./special-use-names";
import { serverCapacityProblems } from "./host-capacity";
import { repeatedOperatorKeys } from "./hetzner-project-names";
import { sshLockout } from "./ssh-networks";
import { isScannerRole, WORKER_ROLES } from "./worker-roles";

const scannerRoles = () => WORKER_ROLES.filter(isScannerRole);

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
  for (const { name, path: at, workerHost } of claimedNamesOf(org)) {
    const owner = claimed.get(name);
    if (owner !== undefined) {
      checks.push({
        path: at,
        message: `'${name}'${workerHost ? ` (its worker host ${workerHost})` : ""} is already used by ${owner}; each name can serve one site`,
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
  for (const [id, inst] of Object.entries(org.instances)) {
    inst.workers.forEach((w, i) => {
      if (inst.workers.findIndex((o) => o.role === w.role) !== i) {
        checks.push({
          path: ["instances", id, "workers", i, "role"],
          message: `'${w.role}' is listed twice; raise its replicas or concurrency instead`,
        });
      }
    });
  }

  checks.push(...slotClashes(org), ...certificateNameClashes(org));
  checks.push(...namesOutsideZone(org), ...tooManyCertificateNames(org), ...workerHostNameLengths(org));
  checks.push(...specialUseNames(org), ...repeatedOperatorKeys(org), ...serverCapacityProblems(org));
  checks.push(
    ...portClashes(org),
    ...serverCatalogueProblems(org),
    ...sshLockout(org),
    ...hostKeyAsUserKey(org),
  );

  for (const [group, host] of Object.entries(org.remoteWorkers?.hosts ?? {})) {
    for (const [instance, workers] of Object.entries(host.roles)) {
      workers.forEach((w, i) => {
        if (!w.scanner) {
          checks.push({
            path: ["remoteWorkers", "hosts", group, "roles", instance, i, "role"],
            message: `'${w.role}' needs the database, which worker hosts cannot reach; use a scanner role (${scannerRoles().join(", ")})`,
          });
        }
      });
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

/** Every Hetzner server the file orders must be a type sold in its location. */
function serverCatalogueProblems(org: Organisation): Check[] {
  const servers: { at: PropertyKey[]; type: string; location: string }[] = [
    ...(org.server.provider === "hetzner" ? [{ at: ["server"], ...org.server }] : []),
    ...Object.entries(org.remoteWorkers?.hosts ?? {}).map(([group, host]) => ({
      at: ["remoteWorkers", "hosts", group],
      ...host,
    })),
  ];
  return servers.flatMap(({ at, type, location }) => {
    const problem = serverTypeProblem(type, location);
    return problem ? [{ path: [...at, problem.field], message: problem.message }] : [];
  });
}

/** Admin users, remote-worker clients and worker hosts each get a client certificate named after them. */
function certificateNameClashes(org: Organisation): Check[] {
  const holders: [string, PropertyKey[]][] = [
    ...org.users.flatMap((u, i): [string, PropertyKey[]][] =>
      u.admin ? [[u.name, ["users", i, "name"]]] : [],
    ),
    ...(org.remoteWorkers?.clients ?? []).map((c, i): [string, PropertyKey[]] => [
      c,
      ["remoteWorkers", "clients", i],
    ]),
    ...Object.entries(org.remoteWorkers?.hosts ?? {}).flatMap(([group, spec]) =>
      Array.from({ length: spec.count }, (_, n): [string, PropertyKey[]] => [
        `${group}-${n + 1}`,
        ["remoteWorkers", "hosts", group],
      ]),
    ),
  ];
  const seen = new Map<string, string>();
  const checks: Check[] = [];
  for (const [name, at] of holders) {
    const first = seen.get(name);
    if (first) {
      checks.push({
        path: at,
        message: `'${name}' would get the client certificate of ${first} too; rename one`,
      });
    } else {
      seen.set(name, at.join("."));
    }
  }
  return checks;
}

/** Two instances in one port block would publish on the same ports. */
function slotClashes(org: Organisation): Check[] {
  const { clashes, free } = assignSlots(org.instances);
  return clashes.map(({ instance, holder, slot }) => {
    const written = org.instances[instance].slot !== undefined;
    return {
      path: ["instances", instance, ...(written ? ["slot"] : [])],
      message:
        `has port slot ${slot}, which instances.${holder} already has` +
        `${written ? "" : " (derived from the names)"}; set slot: ${free[0]} (a free one) on one of them`,
    };
  });
}
