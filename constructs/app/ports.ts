/**
 * Where one instance's services are published on the host. Every port is bound to 127.0.0.1 only: nginx and
 * the broker TLS endpoint (host network) reach them there, and nothing else can, because docker's published
 * ports bypass the host firewall. Each instance gets its own block, so two instances never collide.
 */
export interface InstancePorts {
  readonly frontend: number;
  readonly admin: number;
  readonly interactive: number;
  readonly broker: number;
}

import { INSTANCE_SLOTS } from "../../config/model/slots";

export { LOOPBACK, loopback } from "../host/loopback";

/** The port every app container listens on inside its own network namespace (uWSGI). */
export const APP_PORT = 8000;
/** The port redis listens on inside the instance network. */
export const BROKER_PORT = 6379;

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
