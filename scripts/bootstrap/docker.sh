#!/bin/bash
# shellcheck source-path=SCRIPTDIR
# The Docker engine from Debian. live-restore keeps containers running while the engine restarts (upgrades).
set -euo pipefail
# shellcheck source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

ensure_packages docker.io

write_file /etc/docker/daemon.json 0644 <<'JSON'
{
  "live-restore": true,
  "log-driver": "json-file",
  "log-opts": { "max-size": "20m", "max-file": "5" }
}
JSON
if $FILE_CHANGED; then restart_unit docker; fi
enable_unit docker
