import { TerraformStack } from "cdktf";
import type { Construct } from "constructs";
import type { Organisation } from "../config/schema";
import { resolveOrganisation, type OrganisationModel } from "../config/model/organisation-model";
import { FailmapInstance } from "../constructs/app/failmap-instance";
import { HostBootstrap } from "../constructs/bootstrap/host-bootstrap";
import { InstanceDatabase } from "../constructs/bootstrap/instance-database";
import type { Host } from "../constructs/host/host";
import { useRegistryMirror } from "../constructs/host/image-lookup";
import { literalFreeText } from "../constructs/host/terraform-literal";
import { Monitoring } from "../constructs/monitoring/monitoring";
import { RemoteWorkers } from "../constructs/remote-workers/remote-workers";
import { Certificates } from "../constructs/tls/certificates";
import { ClientCertificateAuthority } from "../constructs/tls/client-certificate-authority";
import { Webserver } from "../constructs/webserver/webserver";
import { alertSecrets } from "./alert-secrets";
import { createMainHost, createWorkerHosts, projectKeys } from "./hosts";
import { configureProviders } from "./providers";
import { FileTextRule } from "./rules/file-text";
import { configureStateBackend } from "./state-backend";
import { applyStackPolicy } from "./stack-policy";
import { stackName } from "../config/model/names";
import { stackTerraform } from "./stack-terraform";

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
  /** The organisation file, resolved once: every layer below reads this. */
  readonly model: OrganisationModel;
  readonly main: Host;
  readonly workerHosts: readonly Host[];
  readonly instances: readonly FailmapInstance[];
  /** The stack's own overrides (addOverride), as cdktf keeps them too, for stackTerraform. */
  private readonly overrides: Record<string, unknown> = {};
  private resolved?: {
    readonly constructs: number;
    readonly json: ReturnType<TerraformStack["toTerraform"]>;
  };

  constructor(scope: Construct, props: OrganisationStackProps) {
    // The one boundary from file to constructs: free text from here on is a literal for Terraform.
    const org = literalFreeText(props.organisation);
    super(scope, stackName(org.name));
    const model = resolveOrganisation(org);
    this.model = model;
    useRegistryMirror(this, model.images.registryMirror);
    configureProviders(this, { hcloud: model.needsHcloud });
    this.stateNotice = configureStateBackend(this, model);
    applyStackPolicy(this, model.name);
    this.node.addValidation(new FileTextRule(this, props.organisation));

    // Servers, with their DNS records.
    const keys = projectKeys(this, model);
    this.main = createMainHost(this, model, keys);
    const workerHosts = createWorkerHosts(this, model, keys);
    this.workerHosts = workerHosts.map((w) => w.host);

    // Bootstrap: users, hardening, firewall, Docker, MariaDB with one database per instance. Each host is
    // ready (host.ready) once its bootstrap has run; everything that runs on it waits for that.
    const databases = new Map(
      model.instances.map((i) => [
        i.name,
        new InstanceDatabase(this, `database-${i.name}`, { instance: i.name }),
      ]),
    );
    new HostBootstrap(this, "bootstrap", {
      host: this.main,
      organisation: model,
      role: "main",
      databases: [...databases.values()],
    });
    for (const host of this.workerHosts) {
      new HostBootstrap(this, `bootstrap-${host.name}`, { host, organisation: model, role: "worker" });
    }

    // The Failmap instances (production, staging, ...), each with its own broker, apps and workers.
    this.instances = model.instances.map(
      (instance) =>
        new FailmapInstance(this, `instance-${instance.name}`, {
          host: this.main,
          instance,
          database: databases.get(instance.name)!,
        }),
    );

    // Certificates: Let's Encrypt for every public name, a private CA for admins and remote workers.
    const certificates = new Certificates(this, "certificates", {
      acme: model.acme,
      sites: [{ host: this.main, names: model.siteNames.map((n) => n.name) }],
    });
    const clientCa = new ClientCertificateAuthority(this, "client-ca", {
      organisation: model.name,
      ...model.certificateHolders,
    });

    const monitoring = model.monitoring.enabled
      ? new Monitoring(this, "monitoring", {
          organisation: model,
          mainHost: this.main,
          workerHosts: this.workerHosts,
          brokers: this.instances.map((i) => ({ instance: i.name, slot: i.slot, ...i.broker })),
          ...alertSecrets(this, model),
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
        names: i.model.siteNames.map((n) => n.name),
        upstreams: {
          frontend: { address: i.upstreams.frontend },
          admin: { address: i.upstreams.admin },
          interactive: i.upstreams.interactive ? { address: i.upstreams.interactive } : undefined,
        },
      })),
      certificate: certificates.certificateFor(this.main),
      clientCa,
      adminExtraLocations: monitoring ? [monitoring.grafanaLocation] : [],
      metricsLog: monitoring?.nginxLog,
    });

    new RemoteWorkers(this, "remote-workers", {
      organisation: model.name,
      config: model.remoteWorkers,
      main: this.main,
      serverCertificate: certificates.certificateFor(this.main),
      serverTrustAnchorPem: certificates.trustAnchorFor(this.main),
      clientCa,
      instances: this.instances,
      workerHosts,
    });
  }

  /**
   * cdktf resolves every element once before synth only to find references to other stacks, for which it
   * adds outputs and remote state. An organisation stack refers to nothing outside itself (each is built from
   * its own file), so only the backend is ensured: a tenth of a stack's synth (bench/synth/RESULTS.md).
   */
  override prepareStack(): void {
    this.ensureBackendExists();
  }

  /**
   * Resolving every token of the stack is most of a synth's time. It happens once, when the stack-wide rules
   * (stacks/rules) read the stack; the synthesizer then writes that same result, unless a construct was added
   * in between. stackTerraform returns what cdktf's own toTerraform would, at about half its cost.
   */
  override toTerraform(): ReturnType<TerraformStack["toTerraform"]> {
    const constructs = this.node.findAll().length;
    if (this.resolved?.constructs !== constructs) {
      this.resolved = { constructs, json: stackTerraform(this, this.overrides) };
    }
    return this.resolved.json;
  }

  /** cdktf's, and a copy for stackTerraform: cdktf keeps its own private. */
  override addOverride(path: string, value: unknown): void {
    super.addOverride(path, value);
    const keys = path.split(".");
    let at = this.overrides;
    for (const key of keys.slice(0, -1)) {
      const next = at[key];
      if (typeof next !== "object" || next === null || Array.isArray(next)) at[key] = {};
      at = at[key] as Record<string, unknown>;
    }
    at[keys[keys.length - 1]] = value;
  }
}
