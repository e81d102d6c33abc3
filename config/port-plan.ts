import type { Check } from "./check";
import {
  brokerExporterPort,
  instancePorts,
  MONITORING_LISTENERS,
  NGINX_HEALTH_PORT,
  NGINX_PORTS,
} from "./model/ports";
import { assignSlots, INSTANCE_SLOTS } from "./model/slots";
import type { Organisation } from "./schema";

/*
 * One port plan for the main host: every TCP port something listens on, from the model's table
 * (config/model/ports.ts) plus nginx's public ports and the two ports an organisation file chooses (an
 * existing server's sshPort, remoteWorkers.port). Loopback ports count too: sshd and the broker endpoint
 * listen on every address, so they cannot share a port with a service on 127.0.0.1.
 */

export interface PortUse {
  readonly port: number;
  /** Who listens there, for the message. */
  readonly user: string;
  /** The organisation file field that chose this port, when the file chooses it. */
  readonly field?: readonly PropertyKey[];
}

/**
 * Every port the main host of `org` uses or keeps for later. Each of the INSTANCE_SLOTS slots keeps its
 * block even when unused, so adding an instance never moves onto a port something else took.
 */
export function portPlan(org: Organisation): PortUse[] {
  const { slots } = assignSlots(org.instances);
  const holders = new Map([...slots].map(([instance, slot]) => [slot, instance]));
  const uses: PortUse[] = [
    { port: NGINX_PORTS.http, user: "nginx (http)" },
    { port: NGINX_PORTS.https, user: "nginx (https)" },
    { port: NGINX_HEALTH_PORT, user: "nginx (its healthcheck, on 127.0.0.1)" },
  ];
  for (let slot = 1; slot <= INSTANCE_SLOTS; slot++) {
    const holder = holders.get(slot);
    const owner = holder ? `instance ${holder}` : `instance slot ${slot} (kept for another instance)`;
    const ports = instancePorts(slot);
    uses.push(
      { port: ports.frontend, user: `${owner}'s frontend` },
      { port: ports.admin, user: `${owner}'s admin` },
      { port: ports.interactive, user: `${owner}'s interactive app` },
      { port: ports.broker, user: `${owner}'s broker` },
      { port: brokerExporterPort(slot), user: `${owner}'s broker exporter` },
    );
  }
  for (const { port, program } of Object.values(MONITORING_LISTENERS)) uses.push({ port, user: program });
  uses.push(
    org.server.provider === "existing"
      ? { port: org.server.sshPort, user: "sshd", field: ["server", "sshPort"] }
      : { port: 22, user: "sshd" },
  );
  if (org.remoteWorkers) {
    uses.push({
      port: org.remoteWorkers.port,
      user: "the remote-worker broker endpoint",
      field: ["remoteWorkers", "port"],
    });
  }
  return uses;
}

/** Ports the file chose that something else in the plan already uses. */
export function portClashes(org: Organisation): Check[] {
  const plan = portPlan(org);
  const taken = new Set(plan.map((u) => u.port));
  const firstUser = new Map<number, PortUse>();
  for (const use of plan) if (!firstUser.has(use.port)) firstUser.set(use.port, use);
  const free = (from: number) => {
    let port = from;
    while (taken.has(port)) port++;
    return port;
  };
  return plan.flatMap((use): Check[] => {
    const holder = firstUser.get(use.port)!;
    if (!use.field || holder === use) return [];
    return [
      {
        path: use.field,
        message: `${use.port} is already ${holder.user}'s port in the port plan (config/port-plan.ts), so ${use.user} could not listen there; pick a free port such as ${free(use.field[0] === "server" ? 2222 : 1337)}`,
      },
    ];
  });
}
