import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { renderClientDn } from "../../../constructs/tls/client-dn";
import { NGINX_METRICS_LOG_FORMAT } from "../../../constructs/monitoring/nginx-log-exporter-config";
import { renderNginxConfig } from "../../../constructs/webserver/render-nginx-config";
import { createAuthority, type Issued } from "./pki";
import { freePort, requireProgram } from "../support/programs";
import { NginxProcess } from "./nginx-process";
import { StubUpstream } from "./stub-upstream";

export const ORGANISATION = "faalkaart";
export const NAMES = {
  production: { domain: "faalkaart.test", alias: "www.faalkaart.test", admin: "admin.faalkaart.test" },
  staging: { domain: "staging.faalkaart.test", admin: "admin.staging.faalkaart.test" },
} as const;
export const ACME_TOKEN = { path: "/.well-known/acme-challenge/token-123", content: "token-123.thumbprint" };

/**
 * One host as the organisation stack would build it: two instances (production with the interactive app,
 * staging without), monitoring on /grafana/, one server certificate for every name, and the org CA for
 * admin client certificates. Everything runs on 127.0.0.1 high ports in a temp directory.
 */
const stubUpstreams = () => ({
  productionFrontend: new StubUpstream("production-frontend"),
  productionAdmin: new StubUpstream("production-admin"),
  productionInteractive: new StubUpstream("production-interactive"),
  stagingFrontend: new StubUpstream("staging-frontend"),
  stagingAdmin: new StubUpstream("staging-admin"),
  grafana: new StubUpstream("grafana"),
});

export class TwoInstanceHost {
  private constructor(
    readonly dir: string,
    readonly ports: { readonly http: number; readonly https: number; readonly health: number },
    /** Trusted by the clients: signed the server certificate, as Let's Encrypt would. */
    readonly publicCa: Issued,
    readonly clients: {
      /** From the org CA and on the allow-list. */
      readonly alice: Issued;
      /** From the org CA, but its DN is no longer on the allow-list (revoked). */
      readonly revoked: Issued;
      /** Alice's very DN, signed by some other CA. */
      readonly forged: Issued;
    },
    readonly upstreams: ReturnType<typeof stubUpstreams>,
    readonly nginx: NginxProcess,
  ) {}

  static async start(): Promise<TwoInstanceHost> {
    requireProgram("nginx", "nginx");
    requireProgram("openssl", "openssl");
    const dir = mkdtempSync(join(tmpdir(), "failmap-nginx-"));
    try {
      return await TwoInstanceHost.startIn(dir);
    } catch (error) {
      rmSync(dir, { recursive: true, force: true });
      throw error;
    }
  }

  private static async startIn(dir: string): Promise<TwoInstanceHost> {
    // nginx workers run as nobody (no `user` directive as root): they must reach the cache and the webroot.
    chmodSync(dir, 0o755);
    const pki = join(dir, "pki");
    mkdirSync(pki);
    const publicCa = createAuthority(pki, "public-ca", "/O=Test Public CA/CN=Test Public CA");
    const allNames = Object.values(NAMES).flatMap((names) => Object.values(names));
    const server = publicCa.issue("server", {
      subject: `/CN=${NAMES.production.domain}`,
      serverNames: allNames,
    });
    const orgCa = createAuthority(pki, "org-ca", `/O=${ORGANISATION}/CN=${ORGANISATION} client CA`);
    const otherCa = createAuthority(pki, "other-ca", `/O=${ORGANISATION}/CN=${ORGANISATION} client CA`);
    // Written O, CN, serialNumber: the order Terraform's tls provider (Go) writes a subject in.
    const subject = (cn: string, serial: string) => `/O=${ORGANISATION}/CN=${cn}/serialNumber=${serial}`;
    const clients = {
      alice: orgCa.issue("alice", { subject: subject("alice", "a11ce0001") }),
      revoked: orgCa.issue("alice-old", { subject: subject("alice", "0bs01e7e") }),
      forged: otherCa.issue("alice-forged", { subject: subject("alice", "a11ce0001") }),
    };

    const acme = join(dir, "acme");
    mkdirSync(join(acme, ".well-known/acme-challenge"), { recursive: true, mode: 0o755 });
    writeFileSync(join(acme, ACME_TOKEN.path), ACME_TOKEN.content, { mode: 0o644 });
    mkdirSync(join(dir, "cache"), { mode: 0o755 });

    const ports = { http: await freePort(), https: await freePort(), health: await freePort() };
    const u = stubUpstreams();
    await Promise.all(Object.values(u).map((upstream) => upstream.start()));
    const files = renderNginxConfig({
      sites: [
        {
          instance: "production",
          domain: NAMES.production.domain,
          aliases: [NAMES.production.alias],
          adminDomain: NAMES.production.admin,
          names: [NAMES.production.domain, NAMES.production.alias, NAMES.production.admin],
          upstreams: {
            frontend: { address: u.productionFrontend.address },
            admin: { address: u.productionAdmin.address },
            interactive: { address: u.productionInteractive.address },
          },
        },
        {
          instance: "staging",
          domain: NAMES.staging.domain,
          aliases: [],
          adminDomain: NAMES.staging.admin,
          names: [NAMES.staging.domain, NAMES.staging.admin],
          upstreams: {
            frontend: { address: u.stagingFrontend.address },
            admin: { address: u.stagingAdmin.address },
          },
        },
      ],
      tls: { certificatePath: server.certPath, keyPath: server.keyPath },
      clientAuth: {
        caCertificatePath: orgCa.certPath,
        allowedClientDns: [
          renderClientDn({ commonName: "alice", organisation: ORGANISATION, serialNumber: "a11ce0001" }),
        ],
      },
      adminExtraLocations: [{ path: "/grafana/", upstream: { address: u.grafana.address } }],
      cacheRoot: join(dir, "cache"),
      configDir: dir,
      acmeWebroot: acme,
      listen: { http: ports.http, https: ports.https, addresses: ["127.0.0.1"] },
      logs: { access: join(dir, "access.log"), error: join(dir, "error.log") },
      metricsLog: { file: join(dir, "metrics.log"), format: NGINX_METRICS_LOG_FORMAT },
      pidFile: join(dir, "nginx.pid"),
      healthPort: ports.health,
    });
    for (const [name, content] of Object.entries(files)) writeFileSync(join(dir, name), content);

    try {
      const nginx = await NginxProcess.start(dir, ports.https);
      return new TwoInstanceHost(dir, ports, publicCa, clients, u, nginx);
    } catch (error) {
      await Promise.all(Object.values(u).map((upstream) => upstream.stop()));
      throw error;
    }
  }

  async stop(): Promise<void> {
    await this.nginx.stop();
    await Promise.all(Object.values(this.upstreams).map((upstream) => upstream.stop()));
    rmSync(this.dir, { recursive: true, force: true });
  }

  /**
   * curl, for what node's client cannot show (the HTTP version), resolving `name` to 127.0.0.1. Not
   * spawnSync: the stub apps live in this process and must keep answering meanwhile.
   */
  async curl(name: string, path: string, args: readonly string[]): Promise<string> {
    requireProgram("curl", "curl");
    const { https } = this.ports;
    const { stdout } = await promisify(execFile)("curl", [
      "-sS",
      "--cacert",
      this.publicCa.certPath,
      "--resolve",
      `${name}:${https}:127.0.0.1`,
      ...args,
      `https://${name}:${https}${path}`,
    ]);
    return stdout;
  }
}
