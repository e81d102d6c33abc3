#!/bin/bash
# shellcheck source-path=SCRIPTDIR
# The admin commands (failmap, failmap-deploy, failmap-db-backup, ...) and the settings they read from here:
# host.env (this bundle's bootstrap.env) and <instance>/database.env in FAILMAP_CONFIG_DIR. The stack's
# FailmapInstance writes <instance>/instance.env (image, network) and app.env there.
set -euo pipefail
# shellcheck source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

for tool in "$BUNDLE"/host/*; do
  name=$(basename "$tool")
  if [[ $name == *.sh ]]; then
    put_file "$tool" "/usr/local/lib/failmap/$name" 0644
  else
    put_file "$tool" "/usr/local/bin/$name" 0755
  fi
done

put_file "$CONFIG/bootstrap.env" "$FAILMAP_HOST_ENV" 0644
for instance in $FAILMAP_INSTANCES; do
  if [[ -f $CONFIG/databases/$instance.env ]]; then
    put_file "$CONFIG/databases/$instance.env" "$FAILMAP_CONFIG_DIR/$instance/database.env" 0644
  fi
done
