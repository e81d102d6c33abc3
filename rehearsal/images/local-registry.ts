import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import https from "node:https";
import path from "node:path";
import { requireProgram } from "../../ops/system/programs";
import { REHEARSAL_CACHE } from "./debian-rootfs";
import { serverCertificate, type ServerCertificate } from "./local-ca";

export interface LocalRegistryProps {
  /** The address it listens on, reachable by the servers: the rehearsal network's gateway. */
  readonly address: string;
  /** @default 5000 */
  readonly port?: number;
  /** Further names in its certificate, e.g. a name the rehearsal's DNS gives it. @default none */
  readonly names?: readonly string[];
  /**
   * Where its blobs, its configuration and the local CA live; kept between runs, so pushed images stay.
   * @default /var/tmp/failmap-rehearsal/registry
   */
  readonly dir?: string;
}

/** Debian's docker-registry (distribution 2.8) over TLS from the rehearsal's local CA. */
export class LocalRegistry {
  /** host:port, as an organisation file's `images.registryMirror`. */
  readonly host: string;
  readonly tls: ServerCertificate;
  /**
   * A directory with the CA certificate only, for skopeo's --dest-cert-dir: the containers tools read every
   * *.key there as a client key, so the CA's and the server's keys must not be beside it.
   */
  readonly trustDir: string;
  private readonly process: ChildProcess;

  private constructor(host: string, tls: ServerCertificate, trustDir: string, process: ChildProcess) {
    this.host = host;
    this.tls = tls;
    this.trustDir = trustDir;
    this.process = process;
  }

  static async start(props: LocalRegistryProps): Promise<LocalRegistry> {
    requireProgram("docker-registry", "docker-registry");
    const dir = props.dir ?? path.join(REHEARSAL_CACHE, "registry");
    const host = `${props.address.includes(":") ? `[${props.address}]` : props.address}:${props.port ?? 5000}`;
    const tls = serverCertificate(path.join(dir, "tls"), [props.address, ...(props.names ?? [])]);
    const trustDir = path.join(dir, "trust");
    fs.mkdirSync(trustDir, { recursive: true });
    fs.copyFileSync(tls.caFile, path.join(trustDir, "ca.crt"));
    const config = path.join(dir, "config.yml");
    // JSON is YAML.
    const settings = {
      version: 0.1,
      log: { level: "warn" },
      storage: { filesystem: { rootdirectory: path.join(dir, "data") }, delete: { enabled: true } },
      http: { addr: host, tls: { certificate: tls.certFile, key: tls.keyFile } },
    };
    fs.writeFileSync(config, JSON.stringify(settings, null, 2));
    const log = fs.openSync(path.join(dir, "registry.log"), "a");
    const child = spawn("docker-registry", ["serve", config], { stdio: ["ignore", log, log] });
    fs.closeSync(log);
    const registry = new LocalRegistry(host, tls, trustDir, child);
    await registry.waitUntilReady(30_000);
    return registry;
  }

  /** The CA certificate (PEM) that servers and clients must trust. */
  get caCertificate(): string {
    return fs.readFileSync(this.tls.caFile, "utf8");
  }

  /** The status of a GET of the registry's API, verified against the local CA. */
  private status(urlPath: string): Promise<number> {
    return new Promise((resolve, reject) => {
      const request = https.get(`https://${this.host}${urlPath}`, { ca: this.caCertificate }, (response) => {
        response.resume();
        resolve(response.statusCode ?? 0);
      });
      request.on("error", reject);
    });
  }

  async stop(): Promise<void> {
    if (this.process.exitCode !== null) return;
    const exited = new Promise((resolve) => this.process.once("exit", resolve));
    this.process.kill("SIGTERM");
    await exited;
  }

  private async waitUntilReady(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (this.process.exitCode !== null)
        throw new Error(`docker-registry exited (${this.process.exitCode})`);
      try {
        if ((await this.status("/v2/")) === 200) return;
      } catch (error) {
        if (Date.now() > deadline)
          throw new Error(`docker-registry at ${this.host}: ${(error as Error).message}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
}
