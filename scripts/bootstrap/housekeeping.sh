#!/bin/bash
# shellcheck source-path=SCRIPTDIR
# Weekly clean-up of stopped containers, dangling images and unused networks (not `--all`, which would
# also remove images that are only pulled, not running), and on the main host the rotation of the log
# that nginx writes for the metrics exporter.
set -euo pipefail
# shellcheck source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

write_unit failmap-docker-prune.service <<'UNIT'
[Unit]
Description=Remove unused Docker data (failmap housekeeping)
Requires=docker.service
After=docker.service

[Service]
Type=oneshot
ExecStart=/usr/bin/docker system prune --force --filter until=168h
UNIT
write_unit failmap-docker-prune.timer <<'UNIT'
[Unit]
Description=Weekly Docker clean-up (failmap housekeeping)

[Timer]
OnCalendar=Sun *-*-* 05:30
RandomizedDelaySec=30m
Persistent=true

[Install]
WantedBy=timers.target
UNIT
reload_units
enable_unit failmap-docker-prune.timer

[[ $FAILMAP_ROLE == main ]] || exit 0

# The nginx container writes every request to this directory, bind-mounted from the host, for the
# nginx log exporter; nothing else would ever shorten that file. nginx keeps writing to a rotated file
# until it reopens its logs. The container is not there before the stack's first deploy: then there is
# nothing to reopen.
ensure_packages logrotate
if [[ -d $FAILMAP_NGINX_LOG_DIR ]]; then
  ok "$FAILMAP_NGINX_LOG_DIR"
else
  install -d -m 0755 "$FAILMAP_NGINX_LOG_DIR"
  changed "$FAILMAP_NGINX_LOG_DIR"
fi
write_file /etc/logrotate.d/failmap-nginx 0644 <<CONF
# Managed by failmap bootstrap.
$FAILMAP_NGINX_LOG_DIR/*.log {
	daily
	rotate 7
	compress
	delaycompress
	missingok
	notifempty
	sharedscripts
	postrotate
		if [ "\$(docker inspect --format '{{.State.Running}}' $FAILMAP_NGINX_CONTAINER 2>/dev/null)" = true ]; then
			docker exec $FAILMAP_NGINX_CONTAINER nginx -s reopen >/dev/null 2>&1 || true
		fi
	endscript
}
CONF
enable_unit logrotate.timer
