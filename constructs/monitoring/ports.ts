/*
 * Where each monitoring program listens. Everything binds to 127.0.0.1 on the main host (host networking),
 * so nothing here is reachable from outside; only node-exporter on extra worker hosts listens publicly, and
 * their firewall admits the main host alone. Kept in one place so two programs never claim the same port.
 */
export { LOOPBACK, loopback } from "../host/loopback";

export const PORTS = {
  prometheus: 9090,
  alertmanager: 9093,
  nodeExporter: 9100,
  mysqldExporter: 9104,
  blackboxExporter: 9115,
  /** The first instance's broker exporter; the next instance gets the next port. */
  brokerExporterBase: 9121,
  cadvisor: 9280,
  nginxLogExporter: 4040,
  grafana: 3000,
} as const;

/** Room for this many instances before the broker exporters would run into other ports. */
export const MAX_BROKER_EXPORTERS = 20;
