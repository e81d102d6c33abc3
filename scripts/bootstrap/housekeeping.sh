#!/bin/bash
# shellcheck source-path=SCRIPTDIR
# Weekly clean-up of stopped containers, dangling images and unused networks. Not `--all`: that would
# also remove the image that failmap-rollback goes back to.
set -euo pipefail
# shellcheck source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

units_changed=false
write_file /etc/systemd/system/failmap-docker-prune.service 0644 <<'UNIT' && units_changed=true
[Unit]
Description=Remove unused Docker data (failmap housekeeping)
Requires=docker.service
After=docker.service

[Service]
Type=oneshot
ExecStart=/usr/bin/docker system prune --force --filter until=168h
UNIT
write_file /etc/systemd/system/failmap-docker-prune.timer 0644 <<'UNIT' && units_changed=true
[Unit]
Description=Weekly Docker clean-up (failmap housekeeping)

[Timer]
OnCalendar=Sun *-*-* 05:30
RandomizedDelaySec=30m
Persistent=true

[Install]
WantedBy=timers.target
UNIT
if $units_changed; then daemon_reload; fi
enable_unit failmap-docker-prune.timer
