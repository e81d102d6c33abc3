#!/bin/bash
# shellcheck source-path=SCRIPTDIR
# Nightly dumps of every instance's database (failmap-db-backup --all), kept for the configured days.
set -euo pipefail
# shellcheck source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

write_unit failmap-db-backup.service <<'UNIT'
[Unit]
Description=Dump the failmap databases
Requires=mariadb.service
After=mariadb.service

[Service]
Type=oneshot
ExecStart=/usr/local/bin/failmap-db-backup --all
UNIT
write_unit failmap-db-backup.timer <<'UNIT'
[Unit]
Description=Nightly dump of the failmap databases

[Timer]
OnCalendar=*-*-* 02:30
RandomizedDelaySec=15m
Persistent=true

[Install]
WantedBy=timers.target
UNIT
reload_units
enable_unit failmap-db-backup.timer
