#!/bin/sh
# lego's `exec` DNS provider (EXEC_PATH) for the rehearsal: lego calls it as
#   challtestsrv-exec.sh present|cleanup <fqdn.> <value>
# and it sets or clears the TXT record in pebble-challtestsrv, whose management API
# FAILMAP_REHEARSAL_DNS_API names (http://127.0.0.1:<port>).
set -eu
api=${FAILMAP_REHEARSAL_DNS_API:?the rehearsal sets FAILMAP_REHEARSAL_DNS_API}
# JSON strings: a DNS name and a base64url value hold neither quotes nor backslashes; refuse anything else.
case "$2$3" in *[!A-Za-z0-9._=-]*) echo "challtestsrv-exec: unexpected characters in '$2' '$3'" >&2; exit 1 ;; esac
case $1 in
  present) curl -fsS -d "{\"host\":\"$2\",\"value\":\"$3\"}" "$api/set-txt" ;;
  cleanup) curl -fsS -d "{\"host\":\"$2\"}" "$api/clear-txt" ;;
  *) echo "challtestsrv-exec: unknown command $1" >&2; exit 1 ;;
esac
