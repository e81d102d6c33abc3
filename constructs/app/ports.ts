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

export { LOOPBACK, loopback } from "../host/loopback";

/** The port every app container listens on inside its own network namespace (uWSGI). */
export const APP_PORT = 8000;
/** The port redis listens on inside the instance network. */
export const BROKER_PORT = 6379;

/** Keeps the blocks below 8500 and 6430: clear of grafana, prometheus and the exporters (3000, 9xxx). */
export const MAX_INSTANCES = 50;

/** Instance i publishes its web apps at 8000+10i.. and its broker at 6380+i. */
export function instancePorts(index: number): InstancePorts {
  if (!Number.isInteger(index) || index < 0 || index >= MAX_INSTANCES) {
    throw new Error(
      `instance index ${index} is outside the port plan: give the instance's position in the organisation ` +
        `file (0 to ${MAX_INSTANCES - 1})`,
    );
  }
  const web = 8000 + 10 * index;
  return { frontend: web, admin: web + 1, interactive: web + 2, broker: 6380 + index };
}
