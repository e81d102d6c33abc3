import type { Worker } from "./schema";
import { workerRole, type WorkerRoleSpec } from "./worker-roles";

/** The Celery pools a worker runs: a role's own, or threads in its place on a worker host. */
export type WorkerPool = WorkerRoleSpec["pool"] | "threads";

/** The two kinds of host a worker runs on. */
export type WorkerSiteKind = "main" | "worker-host";

/**
 * The pool a role runs with at a site. A worker host reaches its broker over TLS, and there the eventlet
 * pool never connects (Debian's eventlet 0.33 with redis-py 4.3: reads on the TLS socket time out, eventlet
 * issue #692), so its roles run the threads pool with the same concurrency: their tasks wait on the network
 * as eventlet's would, in OS threads, with nothing monkey-patched. Prefork works over TLS and stays.
 */
export function workerPool(worker: Worker, site: WorkerSiteKind): WorkerPool {
  const { pool } = workerRole(worker.role);
  return site === "worker-host" && pool === "eventlet" ? "threads" : pool;
}

/**
 * Memory per pool: prefork runs a whole Django process per slot; eventlet runs green threads in one
 * process, where each waiting scan holds little more than its sockets and buffers; threads do the same in
 * one process, each with its own thread stack and interpreter state on top.
 */
const POOL_MEMORY_MB: Record<WorkerPool, (concurrency: number) => number> = {
  prefork: (concurrency) => 256 + 192 * concurrency,
  eventlet: (concurrency) => 512 + 8 * concurrency,
  threads: (concurrency) => 512 + 16 * concurrency,
};

/**
 * The memory limit of one replica of `worker` at a site, in MB: its container's memory, without swap
 * (constructs/app/workers.ts), and what the config checks add up against a server type.
 */
export function workerMemoryMb(worker: Worker, site: WorkerSiteKind): number {
  return POOL_MEMORY_MB[workerPool(worker, site)](worker.concurrency);
}
