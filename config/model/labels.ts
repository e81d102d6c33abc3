/**
 * The docker labels the stack gives its containers, networks and volumes. By the first three the host
 * commands, the dashboards and the container policy find them: whose they are (organisation, instance) and
 * what they do (role). The last two carry digests that make a changed container a new one.
 */
export const CONTAINER_LABELS = {
  organisation: "failmap.organisation",
  instance: "failmap.instance",
  role: "failmap.role",
  /**
   * A digest of the container's healthcheck. The docker provider changes a healthcheck "in place" without
   * touching the container (its update covers restart and resources only), so a new or changed healthcheck
   * would never reach docker; labels force a new container, which gets it, and the apply waits for it.
   */
  healthcheck: "failmap.healthcheck",
  /** A digest of a remote worker container's `docker run` arguments and environment file. */
  spec: "failmap.spec",
} as const;
