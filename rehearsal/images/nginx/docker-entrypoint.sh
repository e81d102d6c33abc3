#!/bin/sh
# The entrypoint contract of the nginx image (nginxinc/docker-nginx), written for the rehearsal's stand-in:
# only when the command is nginx or nginx-debug, the files in /docker-entrypoint.d/ run first, in version
# order (*.envsh sourced and *.sh run, if executable; NGINX_ENTRYPOINT_QUIET_LOGS silences the log); then the
# command is exec'd, whatever it is.
set -e

log() {
  if [ -z "${NGINX_ENTRYPOINT_QUIET_LOGS:-}" ]; then echo "$0: $*"; fi
}

if [ "${1:-}" = nginx ] || [ "${1:-}" = nginx-debug ]; then
  scripts=$(find /docker-entrypoint.d/ -mindepth 1 -follow -type f -print 2>/dev/null | sort -V)
  if [ -n "$scripts" ]; then
    log "/docker-entrypoint.d/ is not empty, will attempt to perform configuration"
    set -f
    old_ifs=$IFS
    IFS='
'
    for script in $scripts; do
      IFS=$old_ifs
      case $script in
        *.envsh)
          if [ -x "$script" ]; then
            log "Sourcing $script"
            # shellcheck disable=SC1090
            . "$script"
          else
            log "Ignoring $script, not executable"
          fi
          ;;
        *.sh)
          if [ -x "$script" ]; then
            log "Launching $script"
            "$script"
          else
            log "Ignoring $script, not executable"
          fi
          ;;
        *) log "Ignoring $script" ;;
      esac
    done
    IFS=$old_ifs
    set +f
    log "Configuration complete; ready for start up"
  else
    log "No files found in /docker-entrypoint.d/, skipping configuration"
  fi
fi

exec "$@"
