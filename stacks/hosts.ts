import type { Construct } from "constructs";
import type { Organisation } from "../config/schema";
import { namesOf } from "../config/semantic-checks";
import { ExistingHost } from "../constructs/host/existing-host";
import { HetznerHost } from "../constructs/host/hetzner-host";
import { HetznerProjectKeys } from "../constructs/host/hetzner-project-keys";
import type { Host } from "../constructs/host/host";
import { workerHostPlans } from "../constructs/remote-workers/worker-host-names";

/** The server the organisation runs on: a new Hetzner server, or one it already has. */
export function createMainHost(scope: Construct, org: Organisation, keys: () => HetznerProjectKeys): Host {
  const server = org.server;
  if (server.provider === "existing") {
    return new ExistingHost(scope, "main", {
      fqdn: server.fqdn,
      address: server.address,
      hostPublicKey: server.hostKey,
      sshPort: server.sshPort,
      dns: siteDns(org),
    });
  }
  return new HetznerHost(scope, "main", {
    ...hetznerAccess(org, keys),
    fqdn: server.fqdn,
    serverType: server.type,
    location: server.location,
    image: server.image,
    backups: server.backups,
    protect: server.protect,
    dns: siteDns(org),
  });
}

/** Extra Hetzner servers that only run scanner workers: disposable, so no backups and no protection. */
export function createWorkerHosts(
  scope: Construct,
  org: Organisation,
  keys: () => HetznerProjectKeys,
): Host[] {
  return workerHostPlans(org.remoteWorkers).map(
    (plan) =>
      new HetznerHost(scope, plan.name, {
        ...hetznerAccess(org, keys),
        fqdn: `${plan.name}.${org.server.fqdn}`,
        serverType: plan.spec.type,
        location: plan.spec.location,
        image: org.server.provider === "hetzner" ? org.server.image : "debian-12",
        backups: false,
        protect: false,
        role: "worker",
        dns: org.dnsZone ? { zone: org.dnsZone, names: [] } : undefined,
      }),
  );
}

/** Every site name points at the main host; records are made only when the zone is in Hetzner DNS. */
function siteDns(org: Organisation) {
  return org.dnsZone ? { zone: org.dnsZone, names: namesOf(org).map((n) => n.name) } : undefined;
}

function hetznerAccess(org: Organisation, keys: () => HetznerProjectKeys) {
  return { organisation: org.name, sshAllowedNetworks: org.sshAllowedNetworks, operatorKeys: keys() };
}

/**
 * The operators' keys as Hetzner project keys, made on first use so that an organisation on an existing
 * server has none. Only sudo users can deploy, so only their keys reach the deploy account.
 */
export function projectKeys(scope: Construct, org: Organisation): () => HetznerProjectKeys {
  let keys: HetznerProjectKeys | undefined;
  return () =>
    (keys ??= new HetznerProjectKeys(scope, "operator-keys", {
      organisation: org.name,
      keys: org.users
        .filter((u) => u.sudo)
        .flatMap((u) =>
          u.keys.map((publicKey, i) => ({ name: i === 0 ? u.name : `${u.name}-${i + 1}`, publicKey })),
        ),
    }));
}
