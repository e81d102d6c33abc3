import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import type http from "node:http";
import net from "node:net";
import { networkOf } from "../../config/cidr";
import type { Organisation } from "../../config/schema";
import { createHcloudApi, type HcloudApi } from "../hcloud-api/api";
import type { MachineBackend, ServerMachineSpec } from "../hcloud-api/machines";
import { REHEARSAL_CACHE } from "../images/debian-rootfs";
import { appStandIn, buildImages, rehearsalImages, type ImageRecipe } from "../images/images";
import { LocalRegistry } from "../images/local-registry";
import { NspawnMachines, serverIpv6 } from "../machines/nspawn-machines";
import type { RehearsalNetwork } from "../network/rehearsal-network";
import { createS3Server } from "../s3/server";
import { REHEARSAL_CREDENTIALS } from "../s3/signature";
import { DnsServer } from "./dns-server";
import { rehearsalNames, renderHostsFile, type BootedServer } from "./names";
import { Pebble } from "./pebble";
import type { RunFiles } from "./run-files";

/** The bucket of the rehearsal's state. */
export const STATE_BUCKET = "failmap-rehearsal";
/** pebble's ACME port on the gateway address (its management API is the next one). */
const PEBBLE_PORT = 14000;
const REGISTRY_PORT = 5000;

/** What the local cloud serves, written to cloud.json once everything answers. */
export interface CloudEndpoints {
  readonly hcloudEndpoint: string;
  readonly hcloudToken: string;
  readonly stateEndpoint: string;
  readonly stateBucket: string;
  readonly registry: string;
  readonly registryCaFile: string;
  readonly acmeDirectory: string;
  readonly acmeTlsCaFile: string;
  /** pebble's issuing root (PEM), which served certificates verify against. */
  readonly acmeIssuingRoot: string;
  /** host:port of the DNS server the servers resolve with and lego's propagation check asks. */
  readonly dnsServer: string;
  /** http://127.0.0.1:<port>: pebble-challtestsrv's management API (TXT records for DNS-01). */
  readonly dnsApi: string;
}

/** Where the local cloud's services answer on the rehearsal network, known before it starts. */
export function cloudAddresses(network: RehearsalNetwork) {
  const gateway = network.gateway4.address;
  return {
    registry: `${gateway}:${REGISTRY_PORT}`,
    acmeDirectory: `https://${gateway}:${PEBBLE_PORT}/dir`,
    dnsServer: `${gateway}:53`,
  };
}

/** What a test asks of the local cloud beyond what the organisation file needs. */
export interface LocalCloudOptions {
  /**
   * App image references pushed besides those the file names, e.g. the release an upgrade moves to.
   * @default - none
   */
  readonly appImages?: readonly string[];
  /**
   * How long pebble's certificates are valid, in seconds.
   * @default - pebble's own (five years)
   */
  readonly acmeValiditySeconds?: number;
}

/** The options as the cloud's process gets them, in its environment (rehearse.ts sets them, cloud-daemon.ts reads them). */
export const CLOUD_OPTION_ENV = {
  appImages: "FAILMAP_REHEARSAL_APP_IMAGES",
  acmeValiditySeconds: "FAILMAP_REHEARSAL_ACME_VALIDITY_SECONDS",
} as const;

export function cloudOptionsToEnv(options: LocalCloudOptions): Record<string, string> {
  return {
    ...(options.appImages?.length ? { [CLOUD_OPTION_ENV.appImages]: options.appImages.join(" ") } : {}),
    ...(options.acmeValiditySeconds
      ? { [CLOUD_OPTION_ENV.acmeValiditySeconds]: String(options.acmeValiditySeconds) }
      : {}),
  };
}

export function cloudOptionsFromEnv(env: NodeJS.ProcessEnv): LocalCloudOptions {
  const images = env[CLOUD_OPTION_ENV.appImages]?.split(" ").filter(Boolean);
  const validity = Number(env[CLOUD_OPTION_ENV.acmeValiditySeconds] ?? "");
  return {
    appImages: images?.length ? images : undefined,
    acmeValiditySeconds: Number.isInteger(validity) && validity > 0 ? validity : undefined,
  };
}

/**
 * The images the organisation pulls: the app images it names (and `extraApps`), each as the app stand-in,
 * with the others, and placeholders for the three that Debian has no package for. Each app reference is a
 * build of its own (its reference in a label), as two upstream tags are: moving an instance to another tag
 * is an upgrade, with a new image and migrations.
 * The app images also trust `acmeRoot`, pebble's issuing root: a remote worker verifies the broker endpoint's
 * certificate with its image's trust store, and an organisation whose CA is private (docs/operations.md) puts
 * that CA's root into its own app image in the same way. OpenSSL finds it by its subject hash in /etc/ssl/certs.
 */
function imagesFor(
  org: Organisation,
  acmeRoot: { pem: string; hash: string },
  extraApps: readonly string[] = [],
): ImageRecipe[] {
  const apps = [
    ...new Set([...Object.values(org.instances).map((instance) => instance.image), ...extraApps]),
  ];
  const trusting = (recipe: ImageRecipe): ImageRecipe => ({
    ...recipe,
    // pebble's root is new at every start: no other run builds this tree again.
    singleUse: true,
    config: {
      ...recipe.config,
      labels: { ...recipe.config.labels, "org.failmap.rehearsal.app-reference": recipe.reference },
    },
    tree: {
      ...recipe.tree,
      files: {
        ...recipe.tree?.files,
        [`/etc/ssl/certs/${acmeRoot.hash}.0`]: { content: acmeRoot.pem, mode: 0o644 },
      },
    },
  });
  const appReferences = new Set(apps.map((app) => appStandIn(app).reference));
  return [...rehearsalImages(apps[0]), ...apps.slice(1).map(appStandIn)].map((recipe) =>
    appReferences.has(recipe.reference) ? trusting(recipe) : recipe,
  );
}

/** OpenSSL's subject hash of a certificate: the file name under which its CA path lookup finds it. */
function subjectHash(pem: string): string {
  return execFileSync("openssl", ["x509", "-noout", "-subject_hash"], {
    input: pem,
    encoding: "utf8",
  }).trim();
}

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as net.AddressInfo).port;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

function listen(server: http.Server, address: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, address, resolve);
  });
}

/**
 * The local cloud for one organisation: the registry with the images, the local S3 for the state, the local
 * Hetzner API whose servers are booted machines, pebble and the DNS server; and the names of everything,
 * kept in the hosts file of the operator's side and in the servers' DNS as servers and records come and go.
 * It runs as one long-lived process (cloud-daemon.ts), so that a deploy and a later destroy see the same cloud.
 */
export class LocalCloud {
  private readonly servers = new Map<number, BootedServer>();
  private readonly closers: (() => Promise<void>)[] = [];
  private syncing: Promise<void> = Promise.resolve();
  private api?: HcloudApi;
  private dns?: DnsServer;
  private readonly baseHosts = fs.readFileSync("/etc/hosts", "utf8");

  constructor(
    private readonly org: Organisation,
    private readonly network: RehearsalNetwork,
    private readonly files: RunFiles,
    private readonly log: (line: string) => void,
    private readonly options: LocalCloudOptions = {},
  ) {}

  async start(): Promise<CloudEndpoints> {
    const gateway4 = this.network.gateway4.address;
    const gateway6 = this.network.gateway6.address;
    this.network.up();
    fs.mkdirSync(this.files.services(), { recursive: true });
    fs.writeFileSync(this.files.hosts(), renderHostsFile(this.baseHosts, new Map()));

    const s3 = createS3Server({
      buckets: [STATE_BUCKET],
      credentials: REHEARSAL_CREDENTIALS,
      directory: this.files.stateObjects(),
    });
    await this.serve(s3.server, "127.0.0.1");

    this.dns = await DnsServer.start([gateway4, gateway6], await freePort(), this.files.services());
    this.closers.push(() => this.dns!.daemon.stop());
    const pebble = await Pebble.start(
      gateway4,
      PEBBLE_PORT,
      this.dns.address,
      this.files.services(),
      this.options.acmeValiditySeconds,
    );
    this.closers.push(() => pebble.daemon.stop());
    const acmeRoot = await pebble.issuingRoot();

    // Storage of the network's own: the tags of a shared one move under a running rehearsal whenever a
    // concurrent one on another network pushes another build of the same name, and its next plan then
    // replaces every container. Kept between runs of the network, so its blobs are pushed once.
    const registry = await LocalRegistry.start({
      address: gateway4,
      port: REGISTRY_PORT,
      dir: path.join(REHEARSAL_CACHE, `registry-${this.network.prefix}`),
    });
    this.closers.push(() => registry.stop());
    this.log(`registry https://${registry.host}: pushing the images`);
    const images = imagesFor(
      this.org,
      { pem: acmeRoot, hash: subjectHash(acmeRoot) },
      this.options.appImages,
    );
    await buildImages(registry, images, (line) => this.log(`  ${line}`));

    const machines = new NspawnMachines({
      network: this.network,
      trustedCertificates: [registry.caCertificate],
      log: this.log,
    });
    this.api = createHcloudApi({
      machines: this.tracking(machines),
      seed: { zones: this.org.dnsZone ? [{ name: this.org.dnsZone, ttl: 3600 }] : [] },
      addressPools: {
        ipv4: networkOf(`${gateway4}/${this.network.gateway4.length}`),
        ipv6: networkOf(`${gateway6}/${this.network.gateway6.length}`),
      },
    });
    this.api.state.onChange(() => this.syncNames());
    await this.serve(this.api.server, "127.0.0.1");
    this.syncNames();
    await this.syncing;

    return {
      hcloudEndpoint: this.api.endpoint(),
      hcloudToken: this.api.token,
      stateEndpoint: s3.endpoint(),
      stateBucket: STATE_BUCKET,
      registry: registry.host,
      registryCaFile: registry.tls.caFile,
      acmeDirectory: pebble.directory,
      acmeTlsCaFile: pebble.tlsCaFile,
      acmeIssuingRoot: acmeRoot,
      dnsServer: this.dns.address,
      dnsApi: this.dns.management,
    };
  }

  /** What a destroy must have removed from the local Hetzner API (empty lists: nothing left). */
  leftovers() {
    return this.api?.state.leftovers();
  }

  async stop(): Promise<void> {
    for (const close of this.closers.reverse()) await close().catch(() => undefined);
  }

  private async serve(server: http.Server, address: string): Promise<void> {
    await listen(server, address);
    this.closers.push(
      () =>
        new Promise<void>((resolve) => {
          server.closeAllConnections();
          server.close(() => resolve());
        }),
    );
  }

  /** The machine backend, telling the names when a server boots or goes. */
  private tracking(machines: MachineBackend): MachineBackend {
    return {
      create: async (spec: ServerMachineSpec) => {
        this.servers.set(spec.id, { name: spec.name, ipv4: spec.ipv4, ipv6: serverIpv6(spec.ipv6) });
        this.syncNames();
        await machines.create(spec);
      },
      powerOn: (id) => machines.powerOn(id),
      powerOff: (id, how) => machines.powerOff(id, how),
      remove: async (id) => {
        await machines.remove(id);
        this.servers.delete(id);
        this.syncNames();
      },
    };
  }

  /** Hosts file and DNS answers again from the API's state; one sync at a time, in order. */
  private syncNames(): void {
    this.syncing = this.syncing.then(async () => {
      const names = rehearsalNames(
        this.org,
        [...this.servers.values()],
        this.api?.state.zones.records.all() ?? [],
      );
      // In place: Terraform sees this file through a bind mount, which a rename would leave behind.
      fs.writeFileSync(this.files.hosts(), renderHostsFile(this.baseHosts, names));
      await this.dns?.sync(names).catch((error: Error) => this.log(`DNS: ${error.message}`));
    });
  }
}
