/**
 * The folders the stack owns on every host. Instances, monitoring, nginx and the broker endpoint each keep a
 * folder of their own below them; the host scripts get them from bootstrap.env
 * (constructs/bootstrap/host-constants.ts), so they are spelled here alone.
 */

/** Settings: the env files of the host and its instances, and the config files of the containers. */
export const HOST_CONFIG_DIR = "/etc/failmap";
/** State that outlives a container: deploy markers, the bootstrap's progress, Prometheus and Grafana data. */
export const HOST_STATE_DIR = "/var/lib/failmap";
/** What can be thrown away and made again: nginx's page cache. */
export const HOST_CACHE_DIR = "/var/cache/failmap";
/** The database dumps, one folder per instance (failmap-db-backup). */
export const HOST_BACKUP_DIR = "/var/backups/failmap";

/**
 * The folders the host-wide services keep in HOST_CONFIG_DIR and HOST_STATE_DIR, beside the instances' own
 * (<dir>/<instance>): an instance named after one of them would share its folder, so the schema refuses those
 * names. `bootstrap` is the bootstrap's progress (scripts/bootstrap/lib.sh).
 */
export const SERVICE_FOLDERS = {
  bootstrap: "bootstrap",
  monitoring: "monitoring",
  prometheus: "prometheus",
  alertmanager: "alertmanager",
  grafana: "grafana",
  brokerEndpoint: "broker-endpoint",
  remoteWorker: "remote-worker",
  tls: "tls",
  nginx: "nginx",
} as const;
