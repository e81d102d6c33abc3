#!/bin/sh
# The entrypoint contract of the redis image (docker-library/redis), written for the rehearsal's stand-in:
# an option or a .conf file as the first argument means redis-server with it; redis-server started as root
# gives the files of the working directory (/data) to the redis user and runs as that user, with umask 0077
# unless another than the default was set; anything else is exec'd as it is.
set -e

case ${1:-} in
  -* | *.conf) set -- redis-server "$@" ;;
esac

if [ "${1:-}" = redis-server ] && [ "$(id -u)" = 0 ]; then
  find . \! -user redis -exec chown redis '{}' +
  exec setpriv --reuid=redis --regid=redis --init-groups "$0" "$@"
fi

if [ "${1:-}" = redis-server ] && [ "$(umask)" = 0022 ]; then
  umask 0077
fi

exec "$@"
