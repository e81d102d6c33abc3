#!/bin/bash
# shellcheck source-path=SCRIPTDIR
# The node exporter, on the configured address only: loopback on the main host (Prometheus runs there),
# the public address on worker hosts, where the firewalls admit only the main host.
set -euo pipefail
# shellcheck source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

ensure_packages prometheus-node-exporter

# The textfile collector reads the folder that failmap-db-backup writes its metric to, for the backup alerts.
write_file /etc/default/prometheus-node-exporter 0644 <<EOF_ARGS
# Managed by failmap bootstrap.
ARGS="--web.listen-address=$FAILMAP_NODE_EXPORTER_LISTEN --collector.textfile.directory=${FAILMAP_BACKUP_METRIC_FILE%/*}"
EOF_ARGS
if $FILE_CHANGED; then restart_unit prometheus-node-exporter; fi
enable_unit prometheus-node-exporter
