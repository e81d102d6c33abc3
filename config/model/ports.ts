import { INSTANCE_SLOTS } from "./slots";

/*
 * Where things listen on the main host, in one table so that two programs never claim the same port
 * (config/port-plan.ts checks the file's own choices against it). Every port here is bound to 127.0.0.1 only:
 * nginx and the broker TLS endpoint (host network) reach them there, and nothing else can, because docker's
 * published ports bypass the host firewall. Only node-exporter on extra worker hosts listens publicly, and
 * their firewall admits the main host alone.
 */

/**
 * Where one instance's services are published on the host. Each instance gets its own block, so two
 * instances never collide.
 */
export interface InstancePorts {
  readonly frontend: number;
  readonly admin: number;
  readonly interactive: number;
  readonly broker: number;
}

/**
 * Slot s (1 to INSTANCE_SLOTS, config/model/slots.ts) publishes its web apps at 8000+10(s-1).. and its
 * broker at 6380+(s-1): blocks below 8200 and 6400, clear of grafana, prometheus and the exporters.
 */
export function instancePorts(slot: number): InstancePorts {
  if (!Number.isInteger(slot) || slot < 1 || slot > INSTANCE_SLOTS) {
    throw new Error(`instance slot ${slot} is outside the port plan (1 to ${INSTANCE_SLOTS})`);
  }
  const web = 8000 + 10 * (slot - 1);
  return { frontend: web, admin: web + 1, interactive: web + 2, broker: 6380 + (slot - 1) };
}

/** Where each monitoring program listens (host networking), with its name in the port plan's messages. */
export const MONITORING_LISTENERS = {
  prometheus: { port: 9090, program: "Prometheus" },
  alertmanager: { port: 9093, program: "Alertmanager" },
  nodeExporter: { port: 9100, program: "node-exporter" },
  mysqldExporter: { port: 9104, program: "the MariaDB exporter" },
  blackboxExporter: { port: 9115, program: "the blackbox exporter" },
  cadvisor: { port: 9280, program: "cAdvisor" },
  nginxLogExporter: { port: 4040, program: "the nginx log exporter" },
  grafana: { port: 3000, program: "Grafana" },
} as const;

type MonitoringPorts = { readonly [K in keyof typeof MONITORING_LISTENERS]: number };

/** The monitoring programs' ports by name, and the base of the broker exporters' ports. */
export const PORTS: MonitoringPorts & { readonly brokerExporterBase: number } = {
  ...(Object.fromEntries(
    Object.entries(MONITORING_LISTENERS).map(([name, { port }]) => [name, port]),
  ) as MonitoringPorts),
  /** The broker exporter of slot 1; slot s gets brokerExporterBase + s - 1 (config/model/slots.ts). */
  brokerExporterBase: 9121,
};

/** Where the exporter of an instance's broker listens: one port per slot, clear of the ports above. */
export function brokerExporterPort(slot: number): number {
  return PORTS.brokerExporterBase + slot - 1;
}

/** nginx's public ports, on every address of the main host. */
export const NGINX_PORTS = { http: 80, https: 443 } as const;

/** The host's nginx answers its healthcheck here; clear of the instances' blocks. */
export const NGINX_HEALTH_PORT = 8300;
