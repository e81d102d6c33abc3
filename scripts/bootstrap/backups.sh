#!/bin/bash
# shellcheck source-path=SCRIPTDIR
# Nightly dumps of every instance's database (failmap-db-backup --all), kept for the configured days.
set -euo pipefail
# shellcheck source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

units_changed=false
write_file /etc/systemd/system/failmap-db-backup.service 0644 <<'UNIT'
[Unit]
Description=Dump the failmap databases
Requires=mariadb.service
After=mariadb.service

[Service]
Type=oneshot
ExecStart=/usr/local/bin/failmap-db-backup --all
UNIT
if $FILE_CHANGED; then units_changed=true; fi
write_file /etc/systemd/system/failmap-db-backup.timer 0644 <<'UNIT'
[Unit]
Description=Nightly dump of the failmap databases

[Timer]
OnCalendar=*-*-* 02:30
RandomizedDelaySec=15m
Persistent=true

[Install]
WantedBy=timers.target
UNIT
if $FILE_CHANGED; then units_changed=true; fi
if $units_changed; then daemon_reload; fi
enable_unit failmap-db-backup.timer
