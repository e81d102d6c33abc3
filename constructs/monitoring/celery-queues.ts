/**
 * The Celery queues of the Failmap app. With a redis broker each queue is a redis list named after it, so
 * its length is the backlog of tasks that no worker has picked up yet.
 */
export const CELERY_QUEUES = [
  "internet",
  "ipv4",
  "ipv6",
  "4and6",
  "storage",
  "isolated",
  "qualys",
  "hyper",
  "claim_proxy",
  "celery",
  "default",
] as const;
