import type { ConfigProblem } from "./errors";
import { workerHostsOf } from "./model/organisation-model";
import type { Organisation } from "./schema";
import { keyWithoutComment } from "./ssh-keys";

/*
 * What an organisation's stack creates in its Hetzner Cloud project under a name of its own, as the
 * constructs name it (constructs/host/hetzner-host.ts, hetzner-project-keys.ts, stacks/hosts.ts; a unit
 * test compares these with the synthesized stack). Hetzner keeps such names unique per project and resource
 * type, and an SSH key's fingerprint too (uniqueness_error), so two stacks in one project cannot both create one.
 * Servers and primary IPs are named after the server's FQDN, which the check of claimed names keeps unique
 * (config/load.ts); firewalls and keys after the organisation, worker group and user names, checked here.
 */

type HetznerResource = "firewall" | "SSH key";

export interface HetznerName {
  readonly resource: HetznerResource;
  readonly name: string;
  /** The field the name is made from. */
  readonly path: readonly PropertyKey[];
}

export interface HetznerKey {
  /** Type and key, what Hetzner's fingerprint is taken of. */
  readonly key: string;
  readonly path: readonly PropertyKey[];
}

/** The firewalls of the organisation's Hetzner servers: its main server when Hetzner's, and every worker host. */
function firewalls(org: Organisation): HetznerName[] {
  return [
    ...(org.server.provider === "hetzner" ? [{ name: `${org.name}-main`, path: ["server"] }] : []),
    ...workerHostsOf(org).map((host) => ({
      name: `${org.name}-${host.name}`,
      path: ["remoteWorkers", "hosts", host.group],
    })),
  ].map((f) => ({ resource: "firewall", ...f }));
}

/** The operators' keys the stack uploads as project keys: every sudo user's, once there is a Hetzner server. */
export function hetznerKeys(org: Organisation): (HetznerKey & { readonly name: string })[] {
  if (firewalls(org).length === 0) return [];
  return org.users.flatMap((user, i) =>
    user.sudo
      ? user.keys.map((key, k) => ({
          key: keyWithoutComment(key),
          name: `${org.name}-${k === 0 ? user.name : `${user.name}-${k + 1}`}`,
          path: ["users", i, "keys", k],
        }))
      : [],
  );
}

/** The names the organisation's stack gives its firewalls and SSH keys in its Hetzner project. */
export function hetznerNames(org: Organisation): HetznerName[] {
  return [
    ...firewalls(org),
    ...hetznerKeys(org).map(({ name, path }) => ({ resource: "SSH key" as const, name, path })),
  ];
}

interface Holder {
  readonly file: string;
  readonly path: readonly PropertyKey[];
}

const where = (h: Holder) => `${h.file} (${h.path.join(".")})`;

/**
 * Names two organisations' stacks (or one's twice) would give Hetzner resources of one type: refused, since
 * whichever applies second in a shared project fails, and a rename now lets any of them share one.
 */
export function hetznerNameClashes(
  loaded: readonly { file: string; organisation: Organisation }[],
): ConfigProblem[] {
  const seen = new Map<string, Holder>();
  const problems: ConfigProblem[] = [];
  for (const { file, organisation } of loaded) {
    for (const { resource, name, path } of hetznerNames(organisation)) {
      const id = `${resource}\n${name}`;
      const first = seen.get(id);
      if (!first) {
        seen.set(id, { file, path });
        continue;
      }
      problems.push({
        file,
        path: path.join("."),
        message: `makes a Hetzner ${resource} named '${name}', as ${where(first)} does; Hetzner names are unique in a project, so the second apply would fail: rename the organisation, the worker host group or the user so the names differ`,
      });
    }
  }
  return problems;
}

/**
 * One operator key uploaded by two organisations' stacks. Hetzner refuses the second upload of a key in one
 * project (uniqueness_error); in separate projects (one per organisation, docs/hosting.md) it is fine. Which
 * project a stack applies to is the HCLOUD_TOKEN of the run, which no file says: a warning, not a refusal.
 */
export function sharedOperatorKeys(
  loaded: readonly { file: string; organisation: Organisation }[],
): ConfigProblem[] {
  const seen = new Map<string, Holder>();
  const warnings: ConfigProblem[] = [];
  for (const { file, organisation } of loaded) {
    const inThisFile = new Set<string>();
    for (const { key, path } of hetznerKeys(organisation)) {
      const first = seen.get(key);
      if (first && first.file !== file && !inThisFile.has(key)) {
        warnings.push({
          file,
          path: path.join("."),
          message: `is also uploaded to Hetzner by ${where(first)}; Hetzner refuses one key twice in a project, so if both organisations share a Hetzner project (the same HCLOUD_TOKEN), the second apply fails (uniqueness_error): keep them in separate projects, or give this user another key in one of them`,
        });
      }
      inThisFile.add(key);
      if (!first) seen.set(key, { file, path });
    }
  }
  return warnings;
}

/** One key listed twice among the sudo users of one file: the stack would upload it twice to one project. */
export function repeatedOperatorKeys(org: Organisation): { path: PropertyKey[]; message: string }[] {
  const seen = new Map<string, string>();
  return hetznerKeys(org).flatMap(({ key, path }) => {
    const first = seen.get(key);
    if (first === undefined) {
      seen.set(key, path.join("."));
      return [];
    }
    return [
      {
        path: [...path],
        message: `is the key of ${first} too; Hetzner takes a key once per project (uniqueness_error), so the apply would fail: keep one of them (a key belongs to one person)`,
      },
    ];
  });
}
