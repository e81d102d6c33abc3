/*
 * Celery worker roles of the Failmap app (WORKER_ROLE). Scanner roles only talk to the internet and the
 * broker; they never get database settings, so a compromised scanner cannot reach the data.
 */
export const WORKER_ROLES = [
  "default",
  "default_ipv4",
  "default_ipv6",
  "storage",
  "calculator",
  "claim_proxy",
  "queuemonitor",
  "hyper",
  "v4_internet",
  "v6_internet",
  "all_internet",
  "any_internet",
  "qualys",
] as const;

export type WorkerRole = (typeof WORKER_ROLES)[number];

const SCANNER_ROLES: ReadonlySet<WorkerRole> = new Set([
  "v4_internet",
  "v6_internet",
  "all_internet",
  "any_internet",
  "qualys",
]);

export function isScannerRole(role: WorkerRole): boolean {
  return SCANNER_ROLES.has(role);
}
