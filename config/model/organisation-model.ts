import type { Instance, Organisation, Worker } from "../schema";
import { instanceNames, type InstanceNames } from "./names";
import { instancePorts, type InstancePorts } from "./ports";
import { instanceSiteNames, siteNamesOf, type SiteName } from "./site-names";
import { assignSlots } from "./slots";

/** Where a worker runs: on the main host beside the database, or on a worker host of its own. */
export type WorkerPlacement =
  { readonly kind: "main" } | { readonly kind: "worker-host"; readonly host: string };

export interface PlacedWorker {
  readonly worker: Worker;
  readonly placement: WorkerPlacement;
}

/** One instance (production, staging, ...) with everything that follows from its name and settings. */
export interface InstanceModel {
  /** Its key in the organisation file. */
  readonly name: string;
  readonly settings: Instance;
  /** Its port block, 1 to INSTANCE_SLOTS: from the file, or from its name; never from its position. */
  readonly slot: number;
  readonly ports: InstancePorts;
  readonly names: InstanceNames;
  readonly siteNames: readonly SiteName[];
  readonly workers: readonly PlacedWorker[];
}

/** An extra Hetzner server that only runs scanner workers. */
export interface WorkerHostModel {
  /** `<group>-<n>`, counting from 1: the host's name in IDs and the CN of its client certificate. */
  readonly name: string;
  readonly group: string;
  readonly fqdn: string;
  readonly type: string;
  readonly location: string;
  readonly image: string;
  /** The workers it runs, per instance name. */
  readonly roles: Readonly<Record<string, readonly Worker[]>>;
}

/** An operator's public key, named for the places that list keys by name (Hetzner project keys). */
export interface OperatorKey {
  readonly name: string;
  readonly publicKey: string;
}

/** A server Hetzner bills the organisation for, with the file field that asks for it. */
export interface BillableServer {
  readonly label: string;
  readonly field: string;
  readonly type: string;
  readonly location: string;
  readonly count: number;
  readonly backups: boolean;
}

/**
 * What an organisation file means, resolved once from a valid file: every name, slot, placement and list
 * that the stacks, the operator commands and the cross-file checks would otherwise each work out again.
 */
export interface OrganisationModel {
  readonly name: string;
  /** The file's own settings that the layers below read as they are: valid, with defaults filled in. */
  readonly server: Organisation["server"];
  readonly dnsZone: Organisation["dnsZone"];
  readonly users: Organisation["users"];
  readonly sshAllowedNetworks: Organisation["sshAllowedNetworks"];
  readonly system: Organisation["system"];
  readonly monitoring: Organisation["monitoring"];
  readonly state: Organisation["state"];
  readonly acme: Organisation["acme"];
  readonly images: Organisation["images"];
  readonly remoteWorkers: Organisation["remoteWorkers"];
  /** The keys that reach the deploy account: every sudo user's, named <user>, <user>-2, ... in file order. */
  readonly operatorKeys: readonly OperatorKey[];
  readonly instances: readonly InstanceModel[];
  /** production, else the first instance: the one whose admin site Grafana's links use. */
  readonly primaryInstance: InstanceModel;
  readonly workerHosts: readonly WorkerHostModel[];
  /** Every name the sites answer to (the certificate's names), with the fields that claim them. */
  readonly siteNames: readonly SiteName[];
  /** Who gets a client certificate from the organisation's CA. */
  readonly certificateHolders: { readonly admins: readonly string[]; readonly workers: readonly string[] };
  /** Whether the stack talks to the Hetzner Cloud API (servers, or records in a Hetzner DNS zone). */
  readonly needsHcloud: boolean;
  readonly billableServers: readonly BillableServer[];
}

export function resolveOrganisation(org: Organisation): OrganisationModel {
  const { slots, clashes } = assignSlots(org.instances);
  if (clashes.length > 0) {
    const { instance, holder, slot } = clashes[0];
    throw new Error(
      `instances ${holder} and ${instance} both have slot ${slot}; the config checks refuse this`,
    );
  }
  const workerHosts = workerHostsOf(org);
  const instances = Object.entries(org.instances).map(([name, settings]): InstanceModel => {
    const slot = slots.get(name)!;
    return {
      name,
      settings,
      slot,
      ports: instancePorts(slot),
      names: instanceNames(name),
      siteNames: instanceSiteNames(name, settings),
      workers: [
        ...settings.workers.map((worker) => ({ worker, placement: { kind: "main" } as const })),
        ...workerHosts.flatMap((host) =>
          (host.roles[name] ?? []).map((worker) => ({
            worker,
            placement: { kind: "worker-host", host: host.name } as const,
          })),
        ),
      ],
    };
  });
  const server = org.server;
  return {
    name: org.name,
    server,
    dnsZone: org.dnsZone,
    users: org.users,
    sshAllowedNetworks: org.sshAllowedNetworks,
    system: org.system,
    monitoring: org.monitoring,
    state: org.state,
    acme: org.acme,
    images: org.images,
    remoteWorkers: org.remoteWorkers,
    operatorKeys: org.users
      .filter((u) => u.sudo)
      .flatMap((u) =>
        u.keys.map((publicKey, i) => ({ name: i === 0 ? u.name : `${u.name}-${i + 1}`, publicKey })),
      ),
    instances,
    primaryInstance: instances.find((i) => i.name === "production") ?? instances[0],
    workerHosts,
    siteNames: siteNamesOf(org),
    certificateHolders: {
      admins: org.users.filter((u) => u.admin).map((u) => u.name),
      workers: [...(org.remoteWorkers?.clients ?? []), ...workerHosts.map((h) => h.name)],
    },
    needsHcloud: server.provider === "hetzner" || workerHosts.length > 0 || org.dnsZone !== undefined,
    billableServers: [
      ...(server.provider === "hetzner"
        ? [
            {
              label: `server ${server.fqdn}`,
              field: "server.type",
              type: server.type,
              location: server.location,
              count: 1,
              backups: server.backups,
            },
          ]
        : []),
      ...Object.entries(org.remoteWorkers?.hosts ?? {}).map(([group, spec]) => ({
        label: `worker hosts ${group}`,
        field: `remoteWorkers.hosts.${group}.type`,
        type: spec.type,
        location: spec.location,
        count: spec.count,
        // Worker hosts keep no data.
        backups: false,
      })),
    ],
  };
}

/** The managed worker hosts, one per member of each group, named `<group>-<n>` under the server's FQDN. */
export function workerHostsOf(org: Organisation): WorkerHostModel[] {
  const image = org.server.provider === "hetzner" ? org.server.image : "debian-12";
  return Object.entries(org.remoteWorkers?.hosts ?? {}).flatMap(([group, spec]) =>
    Array.from({ length: spec.count }, (_, i) => {
      const name = `${group}-${i + 1}`;
      return {
        name,
        group,
        fqdn: `${name}.${org.server.fqdn}`,
        type: spec.type,
        location: spec.location,
        image,
        roles: spec.roles,
      };
    }),
  );
}

/** A DNS name the organisation's stack claims, with the field it comes from and, for a worker host, its name. */
export interface ClaimedName extends SiteName {
  readonly workerHost?: string;
}

/**
 * Every DNS name the organisation's stack claims: the site names, and each worker host's
 * `<group>-<n>.<server.fqdn>`, which is also the name of its server, its primary IPs and its DNS records.
 */
export function claimedNamesOf(org: Organisation): ClaimedName[] {
  return [
    ...siteNamesOf(org),
    ...workerHostsOf(org).map((host) => ({
      name: host.fqdn,
      path: ["remoteWorkers", "hosts", host.group],
      workerHost: host.name,
    })),
  ];
}
