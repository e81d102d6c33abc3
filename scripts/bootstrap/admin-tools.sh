#!/bin/bash
# shellcheck source-path=SCRIPTDIR
# The admin commands (failmap, failmap-deploy, failmap-db-backup, ...) and the settings they read from here:
# /etc/failmap/host.env (instances, backup retention) and /etc/failmap/<instance>/database.env. The stack's
# FailmapInstance writes /etc/failmap/<instance>/instance.env (image, network) and app.env.
set -euo pipefail
# shellcheck source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

for tool in "$BUNDLE"/host/*; do
  name=$(basename "$tool")
  if [[ $name == *.sh ]]; then
    put_file "$tool" "/usr/local/lib/failmap/$name" 0644 || true
  else
    put_file "$tool" "/usr/local/bin/$name" 0755 || true
  fi
done

put_file "$CONFIG/bootstrap.env" /etc/failmap/host.env 0644 || true
for instance in $FAILMAP_INSTANCES; do
  if [[ -f $CONFIG/databases/$instance.env ]]; then
    put_file "$CONFIG/databases/$instance.env" "/etc/failmap/$instance/database.env" 0644 || true
  fi
done
