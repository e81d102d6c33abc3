import path from "node:path";
import { HOST_BACKUP_DIR, HOST_CONFIG_DIR, HOST_STATE_DIR } from "../../config/model/host-paths";
import { CONTAINER_LABELS } from "../../config/model/labels";
import { BACKUP_METRIC, BACKUP_TEXTFILE } from "../monitoring/alert-rules";
import { NGINX_METRICS_LOG } from "../monitoring/nginx-log-exporter-config";
import { WEBSERVER_PATHS } from "../webserver/paths";
import { NGINX_CONTAINER_NAME } from "../webserver/webserver";
import { MARIADB_SOCKET, MARIADB_SOCKET_DIR } from "./mariadb-socket";
import { NFT_TABLE } from "./nftables";

/** sshd's AllowGroups: the deploy user and the managed users are its members (scripts/bootstrap/users.sh). */
export const SSH_GROUP = "failmap-ssh";
/** Everyone users.sh has created, so that a user dropped from the file is found again and locked. */
export const MANAGED_USERS_GROUP = "failmap-users";
/** bootstrap.env as the admin commands read it. scripts/host/failmap-lib.sh names it: it is where they start. */
export const HOST_ENV_FILE = `${HOST_CONFIG_DIR}/host.env`;
/**
 * sshd keeps the first value it reads and reads its drop-ins in name order: the managed drop-in comes after
 * cloud-init's first-boot stopgap, which ssh.sh removes once the managed one is in place.
 */
export const SSHD_DROPIN = "/etc/ssh/sshd_config.d/01-failmap.conf";
export const SSHD_FIRST_BOOT_DROPIN = "/etc/ssh/sshd_config.d/00-failmap-first-boot.conf";

/**
 * The names and paths that the host scripts (scripts/bootstrap, scripts/host) share with the constructs. The
 * scripts get them from bootstrap.env (host.env on the host) and hold no copies of their own: a unit test
 * fails on a script that reads a FAILMAP_* variable no env file renders, or that spells one of these values.
 */
export const HOST_CONSTANTS = {
  FAILMAP_SSH_GROUP: SSH_GROUP,
  FAILMAP_USERS_GROUP: MANAGED_USERS_GROUP,
  FAILMAP_SSHD_DROPIN: SSHD_DROPIN,
  FAILMAP_SSHD_FIRST_BOOT_DROPIN: SSHD_FIRST_BOOT_DROPIN,
  FAILMAP_NFT_TABLE: NFT_TABLE,
  FAILMAP_MARIADB_SOCKET: MARIADB_SOCKET,
  FAILMAP_MARIADB_SOCKET_DIR: MARIADB_SOCKET_DIR,
  FAILMAP_NGINX_CONTAINER: NGINX_CONTAINER_NAME,
  FAILMAP_NGINX_LOG_DIR: path.posix.dirname(NGINX_METRICS_LOG),
  FAILMAP_NGINX_CACHE_DIR: WEBSERVER_PATHS.cache,
  FAILMAP_BACKUP_METRIC: BACKUP_METRIC,
  FAILMAP_BACKUP_METRIC_FILE: BACKUP_TEXTFILE,
  FAILMAP_INSTANCE_LABEL: CONTAINER_LABELS.instance,
  FAILMAP_CONFIG_DIR: HOST_CONFIG_DIR,
  FAILMAP_STATE_DIR: HOST_STATE_DIR,
  FAILMAP_BACKUP_DIR: HOST_BACKUP_DIR,
  FAILMAP_HOST_ENV: HOST_ENV_FILE,
} as const;
