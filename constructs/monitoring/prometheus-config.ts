import { stringify } from "yaml";
import { PORTS } from "../../config/model/ports";
import { loopback } from "../host/loopback";

export interface NodeExporterTarget {
  /** The Host's short name ("main", "scanners-1"): the `host` label on every node metric. */
  readonly host: string;
  /** host:port; may hold a token (a worker's address is known only at apply). */
  readonly address: string;
}

export interface BrokerExporterTarget {
  readonly instance: string;
  readonly address: string;
}

export interface PrometheusConfigInput {
  readonly organisation: string;
  readonly nodeExporters: readonly NodeExporterTarget[];
  readonly brokerExporters: readonly BrokerExporterTarget[];
  /** host:port of every public TLS endpoint whose certificate must not expire. */
  readonly tlsProbeTargets: readonly string[];
}

/** Rule files live next to prometheus.yml; Prometheus resolves this glob relative to the config file. */
export const RULE_FILES_GLOB = "rules/*.yml";
export const SCRAPE_INTERVAL = "30s";

const job = (name: string, target: string) => ({
  job_name: name,
  static_configs: [{ targets: [target] }],
});

/** prometheus.yml: what to scrape, where the rules are, and which Alertmanager gets the alerts. */
export function renderPrometheusConfig(input: PrometheusConfigInput): string {
  const config = {
    global: {
      scrape_interval: SCRAPE_INTERVAL,
      evaluation_interval: SCRAPE_INTERVAL,
      external_labels: { organisation: input.organisation },
    },
    rule_files: [RULE_FILES_GLOB],
    alerting: { alertmanagers: [{ static_configs: [{ targets: [loopback(PORTS.alertmanager)] }] }] },
    scrape_configs: [
      job("prometheus", loopback(PORTS.prometheus)),
      job("alertmanager", loopback(PORTS.alertmanager)),
      {
        job_name: "node",
        static_configs: input.nodeExporters.map((n) => ({ targets: [n.address], labels: { host: n.host } })),
      },
      job("cadvisor", loopback(PORTS.cadvisor)),
      job("nginx", loopback(PORTS.nginxLogExporter)),
      job("mysql", loopback(PORTS.mysqldExporter)),
      {
        job_name: "broker",
        static_configs: input.brokerExporters.map((b) => ({
          targets: [b.address],
          // Not `instance`: Prometheus already uses that label for the scrape address.
          labels: { failmap_instance: b.instance },
        })),
      },
      ...(input.tlsProbeTargets.length === 0 ? [] : [tlsProbeJob(input.tlsProbeTargets)]),
    ],
  };
  return stringify(config, { lineWidth: 0 });
}

/** The blackbox exporter connects to each endpoint; the scrape address is the exporter, the endpoint a parameter. */
function tlsProbeJob(targets: readonly string[]) {
  return {
    job_name: "tls",
    metrics_path: "/probe",
    params: { module: ["tls"] },
    static_configs: [{ targets: [...targets] }],
    relabel_configs: [
      { source_labels: ["__address__"], target_label: "__param_target" },
      { source_labels: ["__param_target"], target_label: "instance" },
      { target_label: "__address__", replacement: loopback(PORTS.blackboxExporter) },
    ],
  };
}
