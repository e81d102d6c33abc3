#!/bin/bash
# shellcheck source-path=SCRIPTDIR
# The node exporter, on the configured address only: loopback on the main host (Prometheus runs there),
# the public address on worker hosts, where the firewalls admit only the main host.
set -euo pipefail
# shellcheck source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

ensure_packages prometheus-node-exporter

if write_file /etc/default/prometheus-node-exporter 0644 <<EOF_ARGS; then
# Managed by failmap bootstrap.
ARGS="--web.listen-address=$FAILMAP_NODE_EXPORTER_LISTEN"
EOF_ARGS
  restart_unit prometheus-node-exporter
fi
enable_unit prometheus-node-exporter
