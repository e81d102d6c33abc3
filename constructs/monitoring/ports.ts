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
  /** The broker exporter of slot 1; slot s gets brokerExporterBase + s - 1 (config/model/slots.ts). */
  brokerExporterBase: 9121,
  cadvisor: 9280,
  nginxLogExporter: 4040,
  grafana: 3000,
} as const;

/** Where the exporter of an instance's broker listens: one port per slot, clear of the ports above. */
export function brokerExporterPort(slot: number): number {
  return PORTS.brokerExporterBase + slot - 1;
}
