import type { Construct } from "constructs";
import type { OrganisationModel } from "../config/model/organisation-model";
import { ExistingHost } from "../constructs/host/existing-host";
import { HetznerHost } from "../constructs/host/hetzner-host";
import { HetznerProjectKeys } from "../constructs/host/hetzner-project-keys";
import type { Host } from "../constructs/host/host";
import type { WorkerHost } from "../constructs/remote-workers/remote-workers";

/** The server the organisation runs on: a new Hetzner server, or one it already has. */
export function createMainHost(
  scope: Construct,
  model: OrganisationModel,
  keys: () => HetznerProjectKeys,
): Host {
  const server = model.server;
  if (server.provider === "existing") {
    return new ExistingHost(scope, "main", {
      fqdn: server.fqdn,
      address: server.address,
      hostPublicKey: server.hostKey,
      sshPort: server.sshPort,
      dns: siteDns(model),
    });
  }
  return new HetznerHost(scope, "main", {
    ...hetznerAccess(model, keys),
    fqdn: server.fqdn,
    serverType: server.type,
    location: server.location,
    image: server.image,
    backups: server.backups,
    protect: server.protect,
    keepDisk: server.keepDisk,
    dns: siteDns(model),
  });
}

/** Extra Hetzner servers that only run scanner workers: disposable, so no backups and no protection. */
export function createWorkerHosts(
  scope: Construct,
  model: OrganisationModel,
  keys: () => HetznerProjectKeys,
): WorkerHost[] {
  return model.workerHosts.map((worker) => ({
    model: worker,
    host: new HetznerHost(scope, worker.name, {
      ...hetznerAccess(model, keys),
      fqdn: worker.fqdn,
      serverType: worker.type,
      location: worker.location,
      image: worker.image,
      backups: false,
      protect: false,
      role: "worker",
      dns: model.dnsZone ? { zone: model.dnsZone, names: [] } : undefined,
    }),
  }));
}

/** Every site name points at the main host; records are made only when the zone is in Hetzner DNS. */
function siteDns(model: OrganisationModel) {
  const zone = model.dnsZone;
  return zone ? { zone, names: model.siteNames.map((n) => n.name) } : undefined;
}

function hetznerAccess(model: OrganisationModel, keys: () => HetznerProjectKeys) {
  return { organisation: model.name, sshAllowedNetworks: model.sshAllowedNetworks, operatorKeys: keys() };
}

/**
 * The operators' keys as Hetzner project keys, made on first use so that an organisation on an existing
 * server has none. Only sudo users can deploy, so only their keys reach the deploy account.
 */
export function projectKeys(scope: Construct, model: OrganisationModel): () => HetznerProjectKeys {
  let keys: HetznerProjectKeys | undefined;
  return () =>
    (keys ??= new HetznerProjectKeys(scope, "operator-keys", {
      organisation: model.name,
      keys: model.operatorKeys,
    }));
}
