#!/bin/bash
# shellcheck source-path=SCRIPTDIR
# MariaDB on its unix socket only, and one database with three accounts per instance (config/databases.sql).
set -euo pipefail
# shellcheck source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

ensure_packages mariadb-server mariadb-client

# The socket where the constructs mount it into containers, named here rather than left to Debian's default;
# [client-server] tells the server and the clients on the host (backups, restores, grants) alike.
write_file /etc/mysql/mariadb.conf.d/90-failmap.cnf 0644 <<CNF
# Managed by failmap bootstrap. Containers reach the server through the socket in $FAILMAP_MARIADB_SOCKET_DIR.
[client-server]
socket = $FAILMAP_MARIADB_SOCKET

[mysqld]
skip-networking
CNF
if $FILE_CHANGED; then restart_unit mariadb; fi

# Debian enables socket activation, which listens on TCP 3306 on every address whatever the server's
# own settings say.
if [[ $(readlink /etc/systemd/system/mariadb.socket) == /dev/null ]]; then
  ok "mariadb.socket masked"
else
  if systemd_running; then systemctl stop mariadb.socket; fi
  systemctl disable -q mariadb.socket 2>/dev/null || true
  systemctl mask -q mariadb.socket
  changed "mariadb.socket masked"
fi
enable_unit mariadb

# The SQL holds passwords: it is applied when it differs from what was applied last (or a database is
# missing), and only its hash is kept.
SQL=$CONFIG/databases.sql
stamp=$STATE/databases.sql.sha256
wanted=$(sha256sum <"$SQL" | cut -d' ' -f1)
databases_missing() {
  local database
  # shellcheck disable=SC2016 # the backticks are SQL quotes
  while read -r database; do
    [[ -n $(mariadb -N -e "SHOW DATABASES LIKE '$database'") ]] || return 0
  done < <(sed -n 's/^CREATE DATABASE IF NOT EXISTS `\([a-z0-9_]*\)`.*/\1/p' "$SQL")
  return 1
}
if ! mariadb -e 'SELECT 1' >/dev/null 2>&1; then
  if systemd_running; then fail "MariaDB does not answer on its socket: see journalctl -u mariadb"; fi
  skipped "databases and accounts (MariaDB is not running here)"
elif [[ -f $stamp && $(cat "$stamp") == "$wanted" ]] && ! databases_missing; then
  ok "databases and accounts"
else
  mariadb <"$SQL"
  install -d -m 0700 "$STATE"
  echo "$wanted" >"$stamp"
  changed "databases and accounts"
fi
