import { stringify } from "yaml";
import { PORTS } from "../../config/model/ports";
import { LOOPBACK } from "../host/loopback";

/**
 * The access log the Webserver writes for monitoring: nginx's `log_format failmap_metrics '<this>'`. The
 * exporter reads lines in exactly this format, so both sides take it from here.
 */
export const NGINX_METRICS_LOG_FORMAT =
  '$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent ' +
  '"$http_referer" "$http_user_agent" "$host" "$upstream_cache_status" $request_time';

/** On the host; the Webserver mounts its directory into the nginx container and logs there. */
export const NGINX_METRICS_LOG = "/var/log/failmap/nginx/metrics.log";

/** nginx's own words for cache outcomes; anything else (an uncached location) is counted as "other". */
export const CACHE_STATUSES = [
  "HIT",
  "MISS",
  "EXPIRED",
  "STALE",
  "UPDATING",
  "REVALIDATED",
  "BYPASS",
] as const;

export interface NginxLogExporterConfigInput {
  readonly logFile: string;
  readonly logFormat: string;
  /** The names nginx serves; other Host headers count as "other", so scanners cannot inflate the series. */
  readonly hosts: readonly string[];
}

/**
 * prometheus-nginxlog-exporter: it is told nginx's own log_format string and parses the log with it, so
 * there is no second hand-written regex to drift from the nginx config. Metrics are nginx_http_* with
 * labels method, status, host and cache_status.
 */
export function renderNginxLogExporterConfig(input: NginxLogExporterConfigInput): string {
  return stringify(
    {
      listen: { address: LOOPBACK, port: PORTS.nginxLogExporter },
      namespaces: [
        {
          name: "nginx",
          format: input.logFormat,
          source_files: [input.logFile],
          relabel_configs: [
            { target_label: "host", from: "host", whitelist: [...input.hosts] },
            { target_label: "cache_status", from: "upstream_cache_status", whitelist: [...CACHE_STATUSES] },
          ],
        },
      ],
    },
    { lineWidth: 0 },
  );
}
