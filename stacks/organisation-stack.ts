import { TerraformStack } from "cdktf";
import type { Construct } from "constructs";
import type { Organisation } from "../config/schema";
import { namesOf } from "../config/semantic-checks";
import { FailmapInstance } from "../constructs/app/failmap-instance";
import { HostBootstrap } from "../constructs/bootstrap/host-bootstrap";
import { InstanceDatabase } from "../constructs/bootstrap/instance-database";
import type { Host } from "../constructs/host/host";
import { useRegistryMirror } from "../constructs/host/registry-mirror";
import { Monitoring } from "../constructs/monitoring/monitoring";
import { RemoteWorkers } from "../constructs/remote-workers/remote-workers";
import { Certificates } from "../constructs/tls/certificates";
import {
  ClientCertificateAuthority,
  clientCertificateHolders,
} from "../constructs/tls/client-certificate-authority";
import { Webserver } from "../constructs/webserver/webserver";
import { alertSecrets } from "./alert-secrets";
import { createMainHost, createWorkerHosts, projectKeys } from "./hosts";
import { configureProviders } from "./providers";
import { TerraformRules } from "./rules/terraform-rules";
import { configureStateBackend } from "./state-backend";

export interface OrganisationStackProps {
  readonly organisation: Organisation;
}

/**
 * Everything one organisation runs: `cdktf deploy org-<name>` deploys exactly this. It reads top to bottom
 * in the order things come up: servers, their bootstrap, the instances, certificates, the front door.
 */
export class OrganisationStack extends TerraformStack {
  /** Set when the stack keeps its state locally; main.ts prints it. */
  readonly stateNotice?: string;
  readonly main: Host;
  readonly workerHosts: readonly Host[];
  readonly instances: readonly FailmapInstance[];

  constructor(scope: Construct, props: OrganisationStackProps) {
    const org = props.organisation;
    super(scope, `org-${org.name}`);
    useRegistryMirror(this, org.images.registryMirror);
    const hasWorkerHosts = Object.keys(org.remoteWorkers?.hosts ?? {}).length > 0;
    configureProviders(this, {
      hcloud: org.server.provider === "hetzner" || org.dnsZone !== undefined || hasWorkerHosts,
    });
    this.stateNotice = configureStateBackend(this, org);
    this.node.addValidation(new TerraformRules(this));

    // Servers, with their DNS records.
    const keys = projectKeys(this, org);
    this.main = createMainHost(this, org, keys);
    this.workerHosts = createWorkerHosts(this, org, keys);

    // Bootstrap: users, hardening, firewall, Docker, MariaDB with one database per instance.
    const databases = Object.keys(org.instances).map(
      (instance) => new InstanceDatabase(this, `database-${instance}`, { instance }),
    );
    const bootstrap = new HostBootstrap(this, "bootstrap", {
      host: this.main,
      organisation: org,
      role: "main",
      databases,
    });
    const workerBootstraps = this.workerHosts.map(
      (host) =>
        new HostBootstrap(this, `bootstrap-${host.name}`, { host, organisation: org, role: "worker" }),
    );

    // The Failmap instances (production, staging, ...), each with its own broker, apps and workers.
    this.instances = Object.entries(org.instances).map(
      ([name, instance], index) =>
        new FailmapInstance(this, `instance-${name}`, {
          host: this.main,
          organisation: org,
          name,
          instance,
          index,
          database: databases[index],
          dependsOn: [bootstrap.done],
        }),
    );

    // Certificates: Let's Encrypt for every public name, a private CA for admins and remote workers.
    const certificates = new Certificates(this, "certificates", {
      acme: org.acme,
      sites: [{ host: this.main, names: namesOf(org).map((n) => n.name) }],
    });
    const clientCa = new ClientCertificateAuthority(this, "client-ca", {
      organisation: org.name,
      ...clientCertificateHolders(org),
    });

    const monitoring = org.monitoring.enabled
      ? new Monitoring(this, "monitoring", {
          organisation: org,
          mainHost: this.main,
          workerHosts: this.workerHosts,
          brokers: this.instances.map((i) => ({ instance: i.name, ...i.broker })),
          ...alertSecrets(this, org),
          dependsOn: [bootstrap.done],
        })
      : undefined;

    // The front door: nginx for the sites, and the TLS endpoint remote workers reach the brokers through.
    new Webserver(this, "webserver", {
      host: this.main,
      sites: this.instances.map((i) => ({
        instance: i.name,
        domain: i.instance.domain,
        aliases: i.instance.aliases,
        adminDomain: i.instance.admin,
        upstreams: {
          frontend: { address: i.upstreams.frontend },
          admin: { address: i.upstreams.admin },
          interactive: i.upstreams.interactive ? { address: i.upstreams.interactive } : undefined,
        },
      })),
      certificate: certificates.certificateFor(this.main),
      clientCaPem: clientCa.caCertificatePem,
      allowedClientDns: clientCa.adminClientDns,
      adminExtraLocations: monitoring ? [monitoring.grafanaLocation] : [],
      metricsLog: monitoring?.nginxLog,
      dependsOn: [bootstrap.done],
    });

    new RemoteWorkers(this, "remote-workers", {
      organisation: org,
      main: { host: this.main, bootstrapDone: bootstrap.done },
      serverCertificate: certificates.certificateFor(this.main),
      serverTrustAnchorPem: certificates.trustAnchorFor(this.main),
      clientCa,
      brokers: this.instances.map((i) => ({
        instance: i.name,
        domain: i.instance.domain,
        address: i.broker.address,
      })),
      brokerPasswords: Object.fromEntries(this.instances.map((i) => [i.name, i.broker.password])),
      images: Object.fromEntries(this.instances.map((i) => [i.name, i.image])),
      workerHosts: this.workerHosts.map((host, n) => ({ host, bootstrapDone: workerBootstraps[n].done })),
    });
  }
}
