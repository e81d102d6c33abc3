#!/bin/bash
# shellcheck source-path=SCRIPTDIR
# The base system: packages, hostname, timezone, time sync, security updates and a swap file.
set -euo pipefail
# shellcheck source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

ensure_packages systemd systemd-timesyncd tzdata unattended-upgrades ca-certificates gzip sudo

# Hostname: the FQDN, resolvable locally so that sudo and mail do not wait for DNS.
short=${FAILMAP_FQDN%%.*}
echo "$FAILMAP_FQDN" | write_file /etc/hostname 0644
ensure_line /etc/hosts '^127\.0\.1\.1[[:space:]]' "127.0.1.1 $FAILMAP_FQDN $short"
if systemd_running && [[ $(hostname) != "$FAILMAP_FQDN" ]]; then
  hostname "$FAILMAP_FQDN"
  changed "hostname $FAILMAP_FQDN"
fi

# Timezone, the way tzdata's own configuration leaves it.
[[ -f /usr/share/zoneinfo/$FAILMAP_TIMEZONE ]] || fail "unknown timezone $FAILMAP_TIMEZONE"
if [[ $(readlink /etc/localtime) == "/usr/share/zoneinfo/$FAILMAP_TIMEZONE" ]]; then
  ok "timezone $FAILMAP_TIMEZONE"
else
  ln -sfn "/usr/share/zoneinfo/$FAILMAP_TIMEZONE" /etc/localtime
  changed "timezone $FAILMAP_TIMEZONE"
fi
echo "$FAILMAP_TIMEZONE" | write_file /etc/timezone 0644

enable_unit systemd-timesyncd

# Security updates daily; a reboot, when one needs it, in the configured window.
put_file "$CONFIG/unattended-upgrades.conf" /etc/apt/apt.conf.d/52failmap-unattended-upgrades 0644
enable_unit apt-daily.timer
enable_unit apt-daily-upgrade.timer
enable_unit unattended-upgrades

# Swap: a little slack for memory peaks (migrations, big scans) instead of the OOM killer.
swapfile=/swapfile
fstab_line="$swapfile none swap sw 0 0"
if ((FAILMAP_SWAP_MB == 0)); then
  if [[ -e $swapfile ]]; then
    if systemd_running; then swapoff "$swapfile" 2>/dev/null || true; fi
    rm -f "$swapfile"
    changed "swap file removed"
  else
    ok "no swap file"
  fi
  sed -i "\\|^$swapfile |d" /etc/fstab
else
  if [[ -f $swapfile && $(stat -c %s "$swapfile") -eq $((FAILMAP_SWAP_MB * 1024 * 1024)) ]]; then
    ok "swap file of ${FAILMAP_SWAP_MB} MB"
  else
    if systemd_running; then swapoff "$swapfile" 2>/dev/null || true; fi
    rm -f "$swapfile"
    dd if=/dev/zero of="$swapfile" bs=1M count="$FAILMAP_SWAP_MB" status=none
    chmod 0600 "$swapfile"
    mkswap -q "$swapfile"
    changed "swap file of ${FAILMAP_SWAP_MB} MB"
  fi
  ensure_line /etc/fstab "^$swapfile " "$fstab_line"
  if systemd_running && ! swapon --show=NAME --noheadings | grep -qxF "$swapfile"; then
    swapon "$swapfile"
    changed "swap on"
  fi
fi
