#!/bin/bash
# shellcheck source-path=SCRIPTDIR
# SSH hardening as a drop-in. sshd -t checks the result before any reload, and a change that fails the
# check is taken back, so a bad configuration never locks anyone out.
set -euo pipefail
# shellcheck source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

ensure_packages openssh-server

DROPIN=$FAILMAP_SSHD_DROPIN
# cloud-init's stopgap until this step runs (keys only, no root). sshd keeps the first value it reads, so
# this file, read before ours, would go on deciding every setting it names.
FIRST_BOOT=$FAILMAP_SSHD_FIRST_BOOT_DROPIN
mkdir -p /run/sshd # sshd -t wants its privilege separation directory

previous=$(mktemp)
trap 'rm -f "$previous"' EXIT
had_previous=false
if [[ -f $DROPIN ]]; then
  cp -p "$DROPIN" "$previous"
  had_previous=true
fi

reload=false
put_file "$CONFIG/sshd.conf" "$DROPIN" 0644
if $FILE_CHANGED; then
  if ! sshd -t; then
    if $had_previous; then cp -p "$previous" "$DROPIN"; else rm -f "$DROPIN"; fi
    fail "sshd rejects the new configuration; the previous one is back in place"
  fi
  reload=true
else
  sshd -t || fail "sshd rejects its configuration (not the failmap drop-in: check /etc/ssh)"
fi

# Only now that the managed drop-in is in place and valid.
if [[ -f $FIRST_BOOT ]]; then
  cp -p "$FIRST_BOOT" "$previous"
  rm -f "$FIRST_BOOT"
  if ! sshd -t; then
    cp -p "$previous" "$FIRST_BOOT"
    fail "sshd rejects the configuration without $FIRST_BOOT; it is back in place"
  fi
  changed "$FIRST_BOOT removed"
  reload=true
else
  ok "no $FIRST_BOOT"
fi

if $reload && systemd_running; then
  systemctl reload ssh
  changed "sshd reloaded"
fi
enable_unit ssh
