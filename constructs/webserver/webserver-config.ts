import { NGINX_PORTS } from "../../config/model/ports";
import { WEBSERVER_PATHS } from "./paths";

/** Where nginx reaches an app container: "127.0.0.1:8000" (app containers publish on loopback only). */
export interface Upstream {
  readonly address: string;
}

/** One Failmap instance (production, staging, ...) fronted by the host's nginx. */
export interface WebserverSite {
  /** The instance name; every nginx zone, upstream and cache directory of the site is namespaced by it. */
  readonly instance: string;
  /** The public site, served by the cached frontend. */
  readonly domain: string;
  /** Names that redirect (301) to the domain, e.g. www.faalkaart.nl. */
  readonly aliases: readonly string[];
  /** The admin site, behind a TLS client certificate. */
  readonly adminDomain: string;
  /** Every name above, in the model's order (InstanceModel.siteNames): the names the site answers to. */
  readonly names: readonly string[];
  readonly upstreams: {
    readonly frontend: Upstream;
    readonly admin: Upstream;
    /** The interactive app; when present it answers /game/. */
    readonly interactive?: Upstream;
  };
}

/** A path on every admin site proxied to a host-wide service, e.g. /grafana/ to the monitoring container. */
export interface AdminExtraLocation {
  /** Starts and ends with "/", e.g. "/grafana/". Passed to the upstream unchanged. */
  readonly path: string;
  readonly upstream: Upstream;
}

export interface WebserverConfig {
  readonly sites: readonly WebserverSite[];
  /** One certificate per host, covering every name of every site. */
  readonly tls: { readonly certificatePath: string; readonly keyPath: string };
  readonly clientAuth: {
    /** The organisation's private CA; admin sites accept only client certificates it signed. */
    readonly caCertificatePath: string;
    /**
     * Revocation by allow-list: only these subject DNs, exactly as nginx prints `$ssl_client_s_dn`
     * (renderClientDn in constructs/tls/client-dn), reach an admin site. Empty refuses everyone.
     */
    readonly allowedClientDns: readonly string[];
  };
  readonly adminExtraLocations?: readonly AdminExtraLocation[];
  /** Writable by nginx: one cache directory per instance, plus nginx's temporary files. */
  readonly cacheRoot: string;
  /** Directory holding nginx.conf and the files rendered with it. Default WEBSERVER_PATHS.config. */
  readonly configDir?: string;
  /** Serve /.well-known/acme-challenge/ over HTTP from here (for HTTP-01); without it, HTTP only redirects. */
  readonly acmeWebroot?: string;
  /** Default: ports 80 and 443 on every IPv4 address ("*") and on IPv6 ("[::]"). */
  readonly listen?: { readonly http: number; readonly https: number; readonly addresses?: readonly string[] };
  /** Default: /dev/stdout and /dev/stderr, so the container's log rotation covers them. */
  readonly logs?: { readonly access: string; readonly error: string };
  /** Default /var/run/nginx.pid, where `nginx -s reload` in the container looks for it. */
  readonly pidFile?: string;
  /** A second access log in the format the monitoring's log exporter parses (cache HIT/MISS/STALE). */
  readonly metricsLog?: MetricsLog;
  /**
   * Answer the container's healthcheck on 127.0.0.1:healthPort (health-server.ts).
   * @default - no health server
   */
  readonly healthPort?: number;
}

export interface MetricsLog {
  readonly file: string;
  /** An nginx log_format string; single quotes are not allowed, since nginx.conf quotes it with them. */
  readonly format: string;
}

/** The config with every default filled in, as the renderers use it. */
export type ResolvedWebserverConfig = Required<
  Omit<WebserverConfig, "acmeWebroot" | "listen" | "logs" | "metricsLog" | "healthPort">
> & {
  readonly acmeWebroot?: string;
  readonly metricsLog?: MetricsLog;
  readonly healthPort?: number;
  readonly listen: { readonly http: number; readonly https: number; readonly addresses: readonly string[] };
  readonly logs: { readonly access: string; readonly error: string };
};

const ADDRESS = /^(\d{1,3}(\.\d{1,3}){3}|\[[0-9a-f:]+\]|[a-z0-9.-]+):\d{1,5}$|^unix:\/\S+$/;
const PATH = /^\/[^\s;"'{}$\\]*$/;
const LOCATION = /^\/([a-z0-9._-]+\/)+$/;

/** Fills in defaults and refuses a config nginx would reject or misroute, saying what to change. */
export function resolveWebserverConfig(config: WebserverConfig): ResolvedWebserverConfig {
  const fail = (message: string): never => {
    throw new Error(`Webserver config: ${message}`);
  };
  if (config.sites.length === 0) fail("give at least one site (one per Failmap instance on this host)");

  // Instance names and site names come from a valid organisation file: the config checks (config/) refuse a
  // name nginx could not use and a name two sites claim. What is checked here is the stack's own wiring.
  for (const site of config.sites) {
    for (const [role, upstream] of Object.entries(site.upstreams)) {
      if (upstream && !ADDRESS.test(upstream.address)) {
        fail(`the ${role} upstream of ${site.instance}, "${upstream.address}", is not "address:port"`);
      }
    }
  }

  const locations = new Set<string>();
  for (const extra of config.adminExtraLocations ?? []) {
    if (!LOCATION.test(extra.path)) fail(`admin location "${extra.path}" must look like "/grafana/"`);
    if (locations.has(extraUpstreamName(extra))) fail(`admin location "${extra.path}" is listed twice`);
    locations.add(extraUpstreamName(extra));
    if (!ADDRESS.test(extra.upstream.address)) {
      fail(`the upstream of ${extra.path}, "${extra.upstream.address}", is not "address:port"`);
    }
  }

  for (const dn of config.clientAuth.allowedClientDns) {
    if (/["\n\r]/.test(dn)) fail(`client DN ${JSON.stringify(dn)} holds a quote or a line break`);
  }

  const resolved: ResolvedWebserverConfig = {
    sites: config.sites,
    tls: config.tls,
    clientAuth: config.clientAuth,
    adminExtraLocations: config.adminExtraLocations ?? [],
    cacheRoot: config.cacheRoot,
    configDir: config.configDir ?? WEBSERVER_PATHS.config,
    acmeWebroot: config.acmeWebroot,
    listen: {
      http: config.listen?.http ?? NGINX_PORTS.http,
      https: config.listen?.https ?? NGINX_PORTS.https,
      addresses: config.listen?.addresses ?? ["*", "[::]"],
    },
    logs: config.logs ?? { access: "/dev/stdout", error: "/dev/stderr" },
    pidFile: config.pidFile ?? "/var/run/nginx.pid",
    metricsLog: config.metricsLog,
    healthPort: config.healthPort,
  };
  if (resolved.metricsLog && /['\n\r]/.test(resolved.metricsLog.format)) {
    fail("metricsLog.format holds a single quote or a line break; nginx.conf quotes the format with '");
  }

  const paths = {
    "tls.certificatePath": resolved.tls.certificatePath,
    "tls.keyPath": resolved.tls.keyPath,
    "clientAuth.caCertificatePath": resolved.clientAuth.caCertificatePath,
    cacheRoot: resolved.cacheRoot,
    configDir: resolved.configDir,
    "logs.access": resolved.logs.access,
    "logs.error": resolved.logs.error,
    pidFile: resolved.pidFile,
    ...(resolved.acmeWebroot === undefined ? {} : { acmeWebroot: resolved.acmeWebroot }),
    ...(resolved.metricsLog === undefined ? {} : { "metricsLog.file": resolved.metricsLog.file }),
  };
  for (const [field, path] of Object.entries(paths)) {
    if (!PATH.test(path)) fail(`${field} "${path}" must be an absolute path without spaces, quotes or ";"`);
  }
  const { http, https, addresses } = resolved.listen;
  for (const port of [http, https, ...(resolved.healthPort === undefined ? [] : [resolved.healthPort])]) {
    if (!Number.isInteger(port) || port < 1 || port > 65535) fail(`listen port ${port} is not a TCP port`);
  }
  if (http === https) fail(`listen.http and listen.https are both ${http}; they need different ports`);
  if (resolved.healthPort === http || resolved.healthPort === https) {
    fail(`healthPort ${resolved.healthPort} is also a listen port; give the health server a port of its own`);
  }
  if (addresses.length === 0) fail("listen.addresses is empty; leave it out to listen everywhere");
  return resolved;
}

/** The name an instance gives its nginx zones, upstreams and variables: "my-site" becomes "my_site". */
export function namespaceOf(site: WebserverSite): string {
  return site.instance.replace(/-/g, "_");
}

/** The upstream of an extra admin location: "/grafana/" becomes "admin_extra_grafana". */
export function extraUpstreamName(extra: AdminExtraLocation): string {
  return `admin_extra${extra.path.replace(/[^a-z0-9]+/g, "_").replace(/_$/, "")}`;
}
