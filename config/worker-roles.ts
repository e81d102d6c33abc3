/**
 * The Celery worker roles of the Failmap app (its WORKER_ROLE setting), in one table: everything the stack
 * derives from a role comes from its row, so a new role is one row here.
 * - scanner: only talks to the internet and the broker; it never gets database settings, so a compromised
 *   scanner cannot reach the data, and only scanners may run on worker hosts, far from the data.
 * - concurrency: the default number of tasks at once (the organisation file can override it).
 * - pool: storage does database work and burns CPU, so a few processes (prefork); every other role mostly
 *   waits on the network or the broker, so many green threads in one process (eventlet).
 * - queues: the Celery queues the app's role consumes; monitoring watches their backlog.
 */
export interface WorkerRoleSpec {
  readonly scanner: boolean;
  readonly concurrency: number;
  readonly pool: "prefork" | "eventlet";
  readonly queues: readonly string[];
}

const row = (
  scanner: boolean,
  queues: readonly string[],
  concurrency = 20,
  pool: WorkerRoleSpec["pool"] = "eventlet",
): WorkerRoleSpec => ({ scanner, concurrency, pool, queues });

export const WORKER_ROLE_TABLE = {
  default: row(false, ["storage", "4and6", "ipv4", "ipv6", "internet", "isolated", "default", "celery"]),
  default_ipv4: row(false, ["storage", "ipv4", "internet", "isolated", "default", "celery"]),
  default_ipv6: row(false, ["storage", "ipv6", "internet", "isolated", "default", "celery"]),
  storage: row(false, ["storage", "isolated"], 6, "prefork"),
  calculator: row(false, ["isolated"]),
  claim_proxy: row(false, ["claim_proxy"]),
  queuemonitor: row(false, []),
  hyper: row(false, ["hyper"]),
  v4_internet: row(true, ["internet", "ipv4"]),
  v6_internet: row(true, ["internet", "ipv6"]),
  all_internet: row(true, ["internet", "ipv4", "ipv6", "4and6"]),
  any_internet: row(true, ["internet"]),
  qualys: row(true, ["qualys"], 40),
} as const satisfies Record<string, WorkerRoleSpec>;

export type WorkerRole = keyof typeof WORKER_ROLE_TABLE;

export const WORKER_ROLES = Object.keys(WORKER_ROLE_TABLE) as [WorkerRole, ...WorkerRole[]];

export function workerRole(role: WorkerRole): WorkerRoleSpec {
  return WORKER_ROLE_TABLE[role];
}

export function isScannerRole(role: WorkerRole): boolean {
  return workerRole(role).scanner;
}

/** Every queue some role consumes, in table order: the broker keys monitoring watches. */
export const CELERY_QUEUES: readonly string[] = [
  ...new Set(Object.values(WORKER_ROLE_TABLE).flatMap((spec) => spec.queues)),
];
