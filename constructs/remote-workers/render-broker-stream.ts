import { quote } from "../webserver/nginx-syntax";

/** One instance's broker, reached by the name remote workers put in SNI. */
export interface BrokerRoute {
  readonly instance: string;
  /** The instance's public domain: `rediss://<domain>:<port>/0` reaches this broker. */
  readonly domain: string;
  /** host:port of the broker as seen from the endpoint, e.g. 127.0.0.1:6380. */
  readonly address: string;
}

export interface BrokerStreamConfig {
  /** nginx `listen` addresses, e.g. ["1337", "[::]:1337"]. */
  readonly listen: readonly string[];
  /** Paths on the machine that runs nginx. */
  readonly files: {
    readonly certificate: string;
    readonly key: string;
    readonly clientCa: string;
    readonly pid: string;
  };
  /** Client subjects as nginx prints $ssl_client_s_dn; every other certificate of the CA is refused. */
  readonly allowedClientDns: readonly string[];
  readonly routes: readonly BrokerRoute[];
  /** Dynamic modules to load first: Debian's nginx ships stream as one, the nginx image has it built in. */
  readonly loadModules?: readonly string[];
  /** Default: the container's stdout and stderr. */
  readonly accessLog?: string;
  readonly errorLog?: string;
}

const ADDRESS = /^(\d{1,3}(\.\d{1,3}){3}|\[[0-9a-f:]+\]|[a-z0-9.-]+):\d{1,5}$/;

/**
 * nginx.conf for the remote-worker endpoint: TLS with a required client certificate from the
 * organisation's CA, then a plain TCP hop to the broker the SNI names. A valid certificate whose subject
 * is not on the allow-list (revoked), or an unknown name, goes to an upstream that is always down, so
 * the connection closes right after the handshake. The broker's own password still applies behind it.
 */
export function renderBrokerStreamConfig(config: BrokerStreamConfig): string {
  validate(config);
  const lines = [
    "# Rendered by failmap-infra: the remote-worker broker endpoint. Changes on the host are overwritten.",
    ...(config.loadModules ?? []).map((m) => `load_module ${m};`),
    "worker_processes auto;",
    `pid ${config.files.pid};`,
    `error_log ${config.errorLog ?? "stderr"} notice;`,
    "",
    "events {",
    "    worker_connections 1024;",
    "}",
    "",
    "stream {",
    "    log_format broker '$remote_addr [$time_local] sni=$ssl_server_name dn=\"$ssl_client_s_dn\" '",
    "                      'to=$upstream_addr status=$status in=$bytes_received out=$bytes_sent $session_time';",
    `    access_log ${config.accessLog ?? "/dev/stdout"} broker;`,
    "",
    "    # The allow-list is the revocation mechanism: only current certificates are listed.",
    "    # Subjects are longer than the default 64-byte hash bucket.",
    "    map_hash_bucket_size 256;",
    "    map $ssl_client_s_dn $failmap_client_allowed {",
    "        default 0;",
    ...config.allowedClientDns.map((dn) => `        ${quote(dn)} 1;`),
    "    }",
    "",
    '    map "$failmap_client_allowed:$ssl_server_name" $failmap_broker {',
    "        default failmap_refused;",
    ...config.routes.map((r) => `        ${quote(`1:${r.domain}`)} failmap_broker_${r.instance};`),
    "    }",
    "",
    ...config.routes.flatMap((r) => [
      `    upstream failmap_broker_${r.instance} {`,
      `        server ${r.address};`,
      "    }",
    ]),
    "",
    "    # Never connects: refused clients are closed instead of reaching any broker.",
    "    upstream failmap_refused {",
    "        server 127.0.0.1:9 down;",
    "    }",
    "",
    "    server {",
    ...config.listen.map((l) => `        listen ${l} ssl;`),
    `        ssl_certificate ${config.files.certificate};`,
    `        ssl_certificate_key ${config.files.key};`,
    "        ssl_protocols TLSv1.2 TLSv1.3;",
    "        ssl_session_cache shared:failmap_broker_tls:1m;",
    "        ssl_handshake_timeout 10s;",
    `        ssl_client_certificate ${config.files.clientCa};`,
    "        ssl_verify_client on;",
    "        ssl_verify_depth 1;",
    "",
    "        proxy_pass $failmap_broker;",
    "        proxy_connect_timeout 5s;",
    "        # Celery holds broker connections open and may leave them idle for long.",
    "        proxy_timeout 24h;",
    "        proxy_socket_keepalive on;",
    "    }",
    "}",
    "",
  ];
  return lines.join("\n");
}

function validate(config: BrokerStreamConfig): void {
  if (config.listen.length === 0) throw new Error("broker endpoint: give at least one listen address");
  if (config.routes.length === 0) throw new Error("broker endpoint: give at least one broker route");
  // Instance names and their domains come from a valid organisation file (config/): the checks there refuse
  // a name nginx could not use and a domain two instances claim. The addresses are the stack's own.
  for (const route of config.routes) {
    if (!ADDRESS.test(route.address)) {
      throw new Error(
        `broker endpoint: broker address '${route.address}' of ${route.instance} is not host:port`,
      );
    }
  }
}
