#!/bin/bash
# Shared by the failmap admin commands: which instance a command is for, and that instance's settings.
# Installed to /usr/local/lib/failmap/ by the bootstrap. Settings:
#   host.env                 the instances, the backup retention, and the names and paths shared with the
#                            stack (the bootstrap's bootstrap.env)
# and in the FAILMAP_CONFIG_DIR that host.env names:
#   <instance>/database.env  the instance's database name (bootstrap)
#   <instance>/instance.env  image, network, app.env path (the stack's FailmapInstance)

# Where the commands find every other setting: HOST_ENV_FILE in constructs/bootstrap/host-constants.ts.
HOST_ENV=/etc/failmap/host.env
# shellcheck disable=SC1090 # written by the bootstrap
. "$HOST_ENV"
: "${FAILMAP_INSTANCES:?no instances in $HOST_ENV}"
# The rest of host.env that the commands read: a host.env older than the commands stops them here.
: "${FAILMAP_CONFIG_DIR:?missing in $HOST_ENV}"
: "${FAILMAP_STATE_DIR:?missing in $HOST_ENV}"
: "${FAILMAP_BACKUP_RETENTION_DAYS:?missing in $HOST_ENV}"
: "${FAILMAP_BACKUP_METRIC:?missing in $HOST_ENV}"
: "${FAILMAP_BACKUP_METRIC_FILE:?missing in $HOST_ENV}"
: "${FAILMAP_MARIADB_SOCKET_DIR:?missing in $HOST_ENV}"
: "${FAILMAP_NGINX_CACHE_DIR:?missing in $HOST_ENV}"
: "${FAILMAP_INSTANCE_LABEL:?missing in $HOST_ENV}"
: "${FAILMAP_BACKUP_DIR:?missing in $HOST_ENV}"

die() {
  echo "$(basename "$0"): $*" >&2
  exit 1
}

is_instance() { [[ " $FAILMAP_INSTANCES " == *" $1 "* ]]; }

# load_instance NAME sets INSTANCE and reads what there is of the instance's settings.
load_instance() {
  is_instance "$1" || die "unknown instance '$1'; this host has: $FAILMAP_INSTANCES"
  INSTANCE=$1
  FAILMAP_DATABASE=""
  FAILMAP_IMAGE=""
  FAILMAP_NETWORK=""
  FAILMAP_APP_ENV=""
  local file
  for file in database.env instance.env; do
    # shellcheck disable=SC1090 # written by the bootstrap and by the stack
    if [[ -f $FAILMAP_CONFIG_DIR/$INSTANCE/$file ]]; then . "$FAILMAP_CONFIG_DIR/$INSTANCE/$file"; fi
  done
}

# require_database and require_deployed: clear messages instead of half-run commands.
require_database() {
  [[ -n $FAILMAP_DATABASE ]] || die "$INSTANCE has no database here ($FAILMAP_CONFIG_DIR/$INSTANCE/database.env)"
}
require_deployed() {
  local env=$FAILMAP_CONFIG_DIR/$INSTANCE/instance.env
  [[ -n $FAILMAP_IMAGE ]] || die "$INSTANCE is not deployed yet: the stack writes $env when it is"
  [[ -n $FAILMAP_NETWORK && -n $FAILMAP_APP_ENV ]] ||
    die "$env names no network or app.env: deploy the stack again to rewrite it"
}

# select_instance "$@" takes the instance from "-i NAME" or a first argument that names one, and may
# leave it out when the host has only one. The remaining arguments are in ARGS.
select_instance() {
  local only
  if [[ ${1:-} == -i ]]; then
    [[ -n ${2:-} ]] || die "-i needs an instance name ($FAILMAP_INSTANCES)"
    load_instance "$2"
    shift 2
  elif [[ -n ${1:-} ]] && is_instance "$1"; then
    load_instance "$1"
    shift
  else
    read -r only _ <<<"$FAILMAP_INSTANCES"
    [[ $FAILMAP_INSTANCES == "$only" ]] || die "which instance? use -i <name> ($FAILMAP_INSTANCES)"
    load_instance "$only"
  fi
  # shellcheck disable=SC2034 # for the command that sourced this file
  ARGS=("$@")
}

# The instance's long-running containers, found by the instance label the stack gives each of them. Not
# by name: failmap-prod- also starts the names of instance prod-eu and of the monitoring's
# failmap-prod-broker-exporter. One-off containers (migrate, the failmap command) carry no label.
instance_containers() {
  docker ps --all --filter "label=$FAILMAP_INSTANCE_LABEL=$INSTANCE" --format '{{.Names}}' | sort
}

restart_instance() {
  local containers
  mapfile -t containers < <(instance_containers)
  ((${#containers[@]} > 0)) || die "no containers of $INSTANCE: deploy the stack first"
  docker restart "${containers[@]}" >/dev/null
  echo "restarted ${containers[*]}"
}
