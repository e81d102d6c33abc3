/**
 * The host's MariaDB listens on this unix socket only (no TCP). Containers that use the database get the
 * directory bind-mounted read-only; the bootstrap's mariadb.sh keeps Debian's default location.
 */
export const MARIADB_SOCKET_DIR = "/run/mysqld";
export const MARIADB_SOCKET = `${MARIADB_SOCKET_DIR}/mysqld.sock`;
