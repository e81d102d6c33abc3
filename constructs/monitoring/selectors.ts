import { CELERY_QUEUES } from "../../config/worker-roles";

/** PromQL label selectors shared by the alert rules and the dashboards, so both look at the same series. */
export const SELECT = {
  /** Real disks only: tmpfs, overlay layers and the like fill and empty by design. */
  disks: `job="node",fstype!~"tmpfs|ramfs|overlay|squashfs|nsfs|fuse.*"`,
  queues: `job="broker",key=~"${CELERY_QUEUES.join("|")}"`,
  containers: `job="cadvisor",name=~"failmap-.+"`,
  nginx: `job="nginx"`,
} as const;
