#!/bin/bash
# shellcheck source-path=SCRIPTDIR
# SSH hardening as a drop-in. sshd -t checks the result before any reload, and a drop-in that fails the
# check is taken back, so a bad configuration never locks anyone out.
set -euo pipefail
# shellcheck source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

ensure_packages openssh-server

DROPIN=/etc/ssh/sshd_config.d/01-failmap.conf
mkdir -p /run/sshd # sshd -t wants its privilege separation directory

previous=$(mktemp)
trap 'rm -f "$previous"' EXIT
had_previous=false
if [[ -f $DROPIN ]]; then
  cp -p "$DROPIN" "$previous"
  had_previous=true
fi

if put_file "$CONFIG/sshd.conf" "$DROPIN" 0644; then
  if ! sshd -t; then
    if $had_previous; then cp -p "$previous" "$DROPIN"; else rm -f "$DROPIN"; fi
    fail "sshd rejects the new configuration; the previous one is back in place"
  fi
  if systemd_running; then
    systemctl reload ssh
    changed "sshd reloaded"
  fi
else
  sshd -t || fail "sshd rejects its configuration (not the failmap drop-in: check /etc/ssh)"
fi
enable_unit ssh
