import { adminDeclarations, adminDeclarationsFor, adminServer } from "./admin-site";
import { frontendDeclarations, frontendServer } from "./frontend-site";
import { healthServer } from "./health-server";
import { block, sections, type Lines } from "./nginx-syntax";
import { aliasServer, defaultServers, httpRedirectServer } from "./redirect-sites";
import { hideAppSecurityHeaders } from "./security-headers";
import { DH_PARAMS_FILE, FFDHE2048_PEM, tlsSettings } from "./tls-settings";
import {
  resolveWebserverConfig,
  type ResolvedWebserverConfig,
  type WebserverConfig,
} from "./webserver-config";

/** The name of the access log format; its fields are listed in ACCESS_LOG_FIELDS. */
export const ACCESS_LOG_FORMAT = "failmap";

/**
 * One JSON object per request, for monitoring: `cache` is HIT, MISS, STALE, UPDATING, EXPIRED,
 * REVALIDATED or BYPASS on the frontends (empty elsewhere), `instance` the Failmap instance the host
 * name belongs to (empty for unknown names).
 */
export const ACCESS_LOG_FIELDS: Readonly<Record<string, string>> = {
  time: "$time_iso8601",
  instance: "$failmap_instance",
  host: "$host",
  remote: "$remote_addr",
  method: "$request_method",
  uri: "$request_uri",
  protocol: "$server_protocol",
  status: "$status",
  bytes: "$body_bytes_sent",
  cache: "$upstream_cache_status",
  request_time: "$request_time",
  upstream_time: "$upstream_response_time",
  user: "$failmap_admin_client_cn",
};

/** File name → content, for the config directory (`configDir`). nginx reads `nginx.conf`. */
export type NginxConfigFiles = Readonly<Record<string, string>>;

/** Renders the host's nginx config: every instance's frontend and admin site, and nothing for unknown names. */
export function renderNginxConfig(input: WebserverConfig): NginxConfigFiles {
  const config = resolveWebserverConfig(input);
  const text = sections(
    ["# Rendered by failmap-infra (constructs/webserver) from the organisation file. Edits are overwritten."],
    [
      "worker_processes auto;",
      "worker_rlimit_nofile 16384;",
      `pid ${config.pidFile};`,
      `error_log ${config.logs.error} warn;`,
    ],
    block("events", ["worker_connections 4096;"]),
    block("http", httpBlock(config)),
  );
  return { "nginx.conf": `${text.join("\n")}\n`, [DH_PARAMS_FILE]: FFDHE2048_PEM };
}

function httpBlock(config: ResolvedWebserverConfig): Lines {
  const logFields = Object.entries(ACCESS_LOG_FIELDS).map(([name, variable]) => `"${name}":"${variable}"`);
  return sections(
    [
      "default_type application/octet-stream;",
      "server_tokens off;",
      "sendfile on;",
      "tcp_nopush on;",
      "keepalive_timeout 65s;",
      // Client certificate DNs (the admin allow-list map) are longer than the default 64-byte buckets fit.
      "map_hash_bucket_size 256;",
      // Keeps cache files open between hits, as for static files; safe for the proxy cache, which
      // reopens a file once its entry is replaced. Measured in bench/nginx: 0.72× to 0.95× of static.
      "open_file_cache max=10000 inactive=60s;",
      // In the cache root: the one directory nginx may write to, on the same disk as the cache. ("_" is
      // not allowed in instance names, so these never meet an instance's cache directory.)
      ...["client_body", "proxy", "fastcgi", "uwsgi", "scgi"].map(
        (kind) => `${kind}_temp_path ${config.cacheRoot}/${kind}_temp;`,
      ),
    ],
    [
      `log_format ${ACCESS_LOG_FORMAT} escape=json '{${logFields.join(",")}}';`,
      `access_log ${config.logs.access} ${ACCESS_LOG_FORMAT};`,
      ...(config.metricsLog
        ? [
            `log_format failmap_metrics '${config.metricsLog.format}';`,
            `access_log ${config.metricsLog.file} failmap_metrics;`,
          ]
        : []),
    ],
    [
      "gzip on;",
      "gzip_vary on;",
      "gzip_proxied any;",
      "gzip_min_length 1024;",
      "gzip_types text/css text/plain text/xml application/javascript application/json image/svg+xml;",
    ],
    tlsSettings(config),
    ["proxy_http_version 1.1;", ...hideAppSecurityHeaders()],
    block("map $host $failmap_instance", [
      'default "";',
      ...config.sites.flatMap((site) => site.names.map((name) => `${name} ${site.instance};`)),
    ]),
    adminDeclarations(config),
    ...config.sites.map((site) => [
      `# Instance ${site.instance}`,
      ...frontendDeclarations(site, config),
      ...adminDeclarationsFor(site),
    ]),
    defaultServers(config),
    config.healthPort === undefined ? [] : healthServer(config.healthPort),
    ...config.sites.flatMap((site) => [
      httpRedirectServer(site, config),
      aliasServer(site, config),
      frontendServer(site, config),
      adminServer(site, config),
    ]),
  );
}
