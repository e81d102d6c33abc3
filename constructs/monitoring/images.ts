/** Pinned, so a deploy never picks up a new major version by surprise. Override per organisation via props. */
export const MONITORING_IMAGES = {
  prometheus: "prom/prometheus:v2.53.3",
  alertmanager: "prom/alertmanager:v0.27.0",
  blackboxExporter: "prom/blackbox-exporter:v0.25.0",
  mysqldExporter: "prom/mysqld-exporter:v0.15.1",
  brokerExporter: "oliver006/redis_exporter:v1.62.0",
  cadvisor: "gcr.io/cadvisor/cadvisor:v0.49.1",
  nginxLogExporter: "ghcr.io/martin-helmich/prometheus-nginxlog-exporter/exporter:v1.11.0",
  grafana: "grafana/grafana-oss:11.2.0",
} as const;

export type MonitoringImages = { readonly [K in keyof typeof MONITORING_IMAGES]: string };
