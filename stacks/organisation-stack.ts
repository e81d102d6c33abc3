import { TerraformStack } from "cdktf";
import type { Construct } from "constructs";
import type { Organisation } from "../config/schema";
import { namesOf } from "../config/semantic-checks";
import { DnsRecords } from "../constructs/host/dns-records";
import { ExistingHost } from "../constructs/host/existing-host";
import { HetznerHost } from "../constructs/host/hetzner-host";
import type { Host } from "../constructs/host/host";
import { configureProviders } from "./providers";
import { configureStateBackend } from "./state-backend";

export interface OrganisationStackProps {
  readonly organisation: Organisation;
}

/** Everything one organisation runs: `cdktf deploy org-<name>` deploys exactly this. */
export class OrganisationStack extends TerraformStack {
  /** Set when the stack keeps its state locally; main.ts prints it. */
  readonly stateNotice?: string;
  readonly main: Host;
  readonly workerHosts: readonly Host[];

  constructor(scope: Construct, props: OrganisationStackProps) {
    const org = props.organisation;
    super(scope, `org-${org.name}`);
    const workerGroups = Object.entries(org.remoteWorkers?.hosts ?? {});
    configureProviders(this, {
      hcloud: org.server.provider === "hetzner" || org.dnsZone !== undefined || workerGroups.length > 0,
    });
    this.stateNotice = configureStateBackend(this, org);

    this.main = createMainHost(this, org);
    this.workerHosts = workerGroups.flatMap(([group, spec]) =>
      Array.from({ length: spec.count }, (_, i) => {
        const name = `${group}-${i + 1}`;
        return new HetznerHost(this, name, {
          ...hetznerAccess(org),
          fqdn: `${name}.${org.server.fqdn}`,
          serverType: spec.type,
          location: spec.location,
          image: org.server.provider === "hetzner" ? org.server.image : "debian-12",
          backups: false,
          protect: false,
          role: "worker",
        });
      }),
    );

    if (org.dnsZone) {
      new DnsRecords(this, "dns", {
        host: this.main,
        zone: org.dnsZone,
        names: namesOf(org).map((n) => n.name),
      });
      for (const host of this.workerHosts) {
        new DnsRecords(this, `dns-${host.name}`, { host, zone: org.dnsZone, names: [host.fqdn] });
      }
    }
  }
}

function createMainHost(scope: Construct, org: Organisation): Host {
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
