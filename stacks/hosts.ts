import type { Construct } from "constructs";
import type { Organisation } from "../config/schema";
import { ExistingHost } from "../constructs/host/existing-host";
import { HetznerHost } from "../constructs/host/hetzner-host";
import type { Host } from "../constructs/host/host";
import { workerHostPlans } from "../constructs/remote-workers/worker-host-names";

/** The server the organisation runs on: a new Hetzner server, or one it already has. */
export function createMainHost(scope: Construct, org: Organisation): Host {
  const server = org.server;
  if (server.provider === "existing") {
    return new ExistingHost(scope, "main", {
      fqdn: server.fqdn,
      address: server.address,
      hostPublicKey: server.hostKey,
      sshPort: server.sshPort,
    });
  }
  return new HetznerHost(scope, "main", {
    ...hetznerAccess(org),
    fqdn: server.fqdn,
    serverType: server.type,
    location: server.location,
    image: server.image,
    backups: server.backups,
    protect: server.protect,
  });
}

/** Extra Hetzner servers that only run scanner workers: disposable, so no backups and no protection. */
export function createWorkerHosts(scope: Construct, org: Organisation): Host[] {
  return workerHostPlans(org.remoteWorkers).map(
    (plan) =>
      new HetznerHost(scope, plan.name, {
        ...hetznerAccess(org),
        fqdn: `${plan.name}.${org.server.fqdn}`,
        serverType: plan.spec.type,
        location: plan.spec.location,
        image: org.server.provider === "hetzner" ? org.server.image : "debian-12",
        backups: false,
        protect: false,
        role: "worker",
      }),
  );
}

function hetznerAccess(org: Organisation) {
  return {
    organisation: org.name,
    sshAllowedNetworks: org.sshAllowedNetworks,
    // Only sudo users can deploy, so only their keys reach the deploy account.
    operatorKeys: org.users
      .filter((u) => u.sudo)
      .flatMap((u) =>
        u.keys.map((publicKey, i) => ({ name: i === 0 ? u.name : `${u.name}-${i + 1}`, publicKey })),
      ),
  };
}
