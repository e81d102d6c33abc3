#!/bin/bash
# Helpers shared by the bootstrap steps, and the host's settings from config/bootstrap.env.
# Every step reports "changed: <what>" or "ok: <what>": a run that changes nothing prints no "changed:".

# BUNDLE and STATE are for the steps that source this file.
# shellcheck disable=SC2034
BUNDLE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
CONFIG=$BUNDLE/config
export DEBIAN_FRONTEND=noninteractive

# shellcheck disable=SC1091 # rendered by the HostBootstrap construct
. "$CONFIG/bootstrap.env"
# Every setting the steps read, names and paths included (constructs/bootstrap/host-constants.ts): a bundle
# rendered by an older or newer failmap stops here, naming what it lacks, before any step changes the host.
: "${FAILMAP_ROLE:?missing in bootstrap.env}"
: "${FAILMAP_FQDN:?missing in bootstrap.env}"
: "${FAILMAP_DEPLOY_USER:?missing in bootstrap.env}"
: "${FAILMAP_TIMEZONE:?missing in bootstrap.env}"
: "${FAILMAP_SWAP_MB:?missing in bootstrap.env}"
: "${FAILMAP_BACKUP_RETENTION_DAYS:?missing in bootstrap.env}"
: "${FAILMAP_NODE_EXPORTER_LISTEN:?missing in bootstrap.env}"
: "${FAILMAP_INSTANCES?missing in bootstrap.env}" # empty on a worker host
: "${FAILMAP_SSH_GROUP:?missing in bootstrap.env}"
: "${FAILMAP_USERS_GROUP:?missing in bootstrap.env}"
: "${FAILMAP_SSHD_DROPIN:?missing in bootstrap.env}"
: "${FAILMAP_SSHD_FIRST_BOOT_DROPIN:?missing in bootstrap.env}"
: "${FAILMAP_NFT_TABLE:?missing in bootstrap.env}"
: "${FAILMAP_MARIADB_SOCKET:?missing in bootstrap.env}"
: "${FAILMAP_MARIADB_SOCKET_DIR:?missing in bootstrap.env}"
: "${FAILMAP_NGINX_CONTAINER:?missing in bootstrap.env}"
: "${FAILMAP_NGINX_LOG_DIR:?missing in bootstrap.env}"
: "${FAILMAP_NGINX_CACHE_DIR:?missing in bootstrap.env}"
: "${FAILMAP_BACKUP_METRIC:?missing in bootstrap.env}"
: "${FAILMAP_BACKUP_METRIC_FILE:?missing in bootstrap.env}"
: "${FAILMAP_INSTANCE_LABEL:?missing in bootstrap.env}"
: "${FAILMAP_CONFIG_DIR:?missing in bootstrap.env}"
: "${FAILMAP_STATE_DIR:?missing in bootstrap.env}"
: "${FAILMAP_BACKUP_DIR:?missing in bootstrap.env}"
: "${FAILMAP_HOST_ENV:?missing in bootstrap.env}"
# shellcheck disable=SC2034
STATE=$FAILMAP_STATE_DIR/bootstrap

changed() { echo "changed: $*"; }
ok() { echo "ok: $*"; }
skipped() { echo "skipped: $*"; }
fail() {
  echo "error: $*" >&2
  exit 1
}

# systemd is PID 1 on a real host. In a chroot or an image build it is not: then unit files are written and
# enabled, but nothing is started, reloaded or applied to the running kernel (swap, hostname, firewall).
systemd_running() { [[ -d /run/systemd/system ]]; }

# put_file SRC DEST MODE [OWNER:GROUP] installs SRC as DEST when its content, mode or owner differ. It
# succeeds whether or not DEST was right already, and sets FILE_CHANGED to true or false for callers that
# must act on a change: `put_file ...; if $FILE_CHANGED; then <reload>; fi`. Not in a pipeline's subshell.
# The new file is written next to DEST and renamed over it, so sshd, sudo and the rest read the old file or
# the new one, never a half-written one. The temporary name (a leading dot, a random suffix) is one that no
# *.conf, *.nft or sudoers.d pattern takes.
put_file() {
  local src=$1 dest=$2 mode=$3 owner=${4:-root:root} wanted tmp
  wanted="$(printf '%o' "$((8#$mode))") $owner" # as stat prints it: "600 root:root"
  if [[ -f $dest ]] && cmp -s "$src" "$dest" && [[ $(stat -c '%a %U:%G' "$dest") == "$wanted" ]]; then
    FILE_CHANGED=false
    ok "$dest"
    return
  fi
  mkdir -p "$(dirname "$dest")"
  tmp=$(mktemp "$(dirname "$dest")/.${dest##*/}.XXXXXX") || fail "cannot write next to $dest"
  if ! install -m "$mode" -o "${owner%%:*}" -g "${owner#*:}" "$src" "$tmp" || ! mv -f "$tmp" "$dest"; then
    rm -f "$tmp"
    fail "cannot install $dest"
  fi
  FILE_CHANGED=true
  changed "$dest"
}

# write_file DEST MODE [OWNER:GROUP] < content: put_file for text made by the script itself.
write_file() {
  local tmp
  tmp=$(mktemp)
  cat >"$tmp"
  put_file "$tmp" "$@"
  rm -f "$tmp"
}

# ensure_line FILE PATTERN LINE: FILE holds LINE, replacing the lines that match the sed regex PATTERN
# (an older value of the same setting).
ensure_line() {
  local file=$1 pattern=$2 line=$3
  if grep -qxF "$line" "$file"; then
    ok "$file: $line"
  else
    sed -i "\\|$pattern|d" "$file"
    echo "$line" >>"$file"
    changed "$file: $line"
  fi
}

ensure_packages() {
  local package missing=()
  for package in "$@"; do
    if [[ $(dpkg-query -W -f '${db:Status-Status}' "$package" 2>/dev/null) != installed ]]; then
      missing+=("$package")
    fi
  done
  if ((${#missing[@]} == 0)); then
    ok "packages $*"
    return
  fi
  # On a new server apt-daily may hold the lock for a while: wait for it instead of failing.
  local apt=(apt-get -q -o DPkg::Lock::Timeout=600)
  # Once per bootstrap run: run.sh names in BOOTSTRAP_APT_UPDATED a file that is there once the lists were
  # updated. An update costs seconds (three retries, 8 s, when the mirror does not answer), and the lists need
  # not be newer for the next step's packages. A step run on its own updates every time.
  if [[ -z ${BOOTSTRAP_APT_UPDATED:-} || ! -e $BOOTSTRAP_APT_UPDATED ]]; then
    "${apt[@]}" update >&2
    if [[ -n ${BOOTSTRAP_APT_UPDATED:-} ]]; then touch "$BOOTSTRAP_APT_UPDATED"; fi
  fi
  "${apt[@]}" install -y --no-install-recommends -o Dpkg::Options::=--force-confdef \
    -o Dpkg::Options::=--force-confold "${missing[@]}" >&2
  changed "installed ${missing[*]}"
}

# enable_unit UNIT: started at boot (works offline, in a chroot too), and now where systemd runs. A unit whose
# conditions do not hold here (systemd-timesyncd in a container: ConditionVirtualization=!container) is
# "started" without running: that is reported as skipped, and a unit that is not running after a start fails.
enable_unit() {
  if systemctl is-enabled -q "$1" 2>/dev/null; then
    ok "$1 enabled"
  else
    systemctl enable -q "$1"
    changed "$1 enabled"
  fi
  systemd_running || return 0
  if systemctl is-active -q "$1"; then
    ok "$1 running"
    return 0
  fi
  systemctl start "$1"
  local state
  state=$(systemctl is-active "$1") || true
  case $state in
    active | activating | reloading) changed "$1 started" ;;
    *)
      if [[ $(systemctl show -p ConditionResult --value "$1") == no ]]; then
        skipped "$1: its unit's conditions do not hold on this machine (systemctl status $1)"
      else
        fail "$1 is $state after systemctl start; see journalctl -u $1"
      fi
      ;;
  esac
}

# restart_unit UNIT, after its configuration changed.
restart_unit() {
  if systemd_running && systemctl is-active -q "$1"; then
    systemctl restart "$1"
    changed "$1 restarted"
  fi
}

# write_unit NAME < content: write_file for a unit or drop-in under /etc/systemd/system (NAME below it, e.g.
# failmap-db-backup.timer or nftables.service.d/failmap.conf); reload_units then has systemd read the units
# written since its last call, once, if any of them changed.
UNITS_CHANGED=false
write_unit() {
  write_file "/etc/systemd/system/$1" 0644
  if $FILE_CHANGED; then UNITS_CHANGED=true; fi
}
reload_units() {
  if $UNITS_CHANGED && systemd_running; then systemctl daemon-reload; fi
  UNITS_CHANGED=false
}
