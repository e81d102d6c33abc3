import { MARIADB_SOCKET } from "../bootstrap/mariadb-socket";
import type { DatabaseUser } from "../app/database-credentials";

/**
 * The account mysqld_exporter logs in with: it may see server status and every table's statistics, and
 * change nothing. Idempotent, so it can run again when the password changes. The password must not hold
 * quotes or backslashes (it comes from random_password without special characters).
 */
export function renderMonitoringUserSql(user: DatabaseUser): string {
  const account = `'${user.name}'@'localhost'`;
  const limits = "WITH MAX_USER_CONNECTIONS 3";
  return [
    `CREATE USER IF NOT EXISTS ${account} IDENTIFIED BY '${user.password}' ${limits};`,
    `ALTER USER ${account} IDENTIFIED BY '${user.password}' ${limits};`,
    `GRANT PROCESS, REPLICATION CLIENT, SELECT ON *.* TO ${account};`,
    "",
  ].join("\n");
}

/** mysqld_exporter's client settings: the socket, so MariaDB needs no TCP listener. */
export function renderMysqldExporterMyCnf(user: DatabaseUser, socket: string = MARIADB_SOCKET): string {
  return ["[client]", `user=${user.name}`, `password=${user.password}`, `socket=${socket}`, ""].join("\n");
}
