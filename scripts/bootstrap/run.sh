#!/bin/bash
# shellcheck source-path=SCRIPTDIR
# Brings a Debian 12 or 13 host to the state described by config/ (rendered by the HostBootstrap construct).
# Safe to run again at any time: each step only changes what differs, and says so.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=lib.sh
. "$here/lib.sh"

# Users before ssh: sshd's AllowGroups must never be in place before the deploy user is in that group.
steps=(base users ssh firewall docker monitoring housekeeping)
if [[ $FAILMAP_ROLE == main ]]; then steps+=(mariadb admin-tools backups); fi

# SSH answers before cloud-init is done with a new server: let it finish (users, packages) first.
if command -v cloud-init >/dev/null; then
  cloud-init status --wait >/dev/null || true
fi

# One apt-get update for the run, not one per step that installs a package (lib.sh's ensure_packages).
apt_run=$(mktemp -d)
trap 'rm -rf "$apt_run"' EXIT
export BOOTSTRAP_APT_UPDATED=$apt_run/updated

for step in "${steps[@]}"; do
  bash "$here/$step.sh"
done
