#!/bin/bash
# A one-line change to the rendered nginx configuration, applied to a rehearsed organisation: how long the
# deploy takes and how many resources it touches (issue 18: it must be one).
#   bash bench/rehearsal/nginx-change.sh            (as root, with the provider plugins; about 10 minutes)
# It works in a copy of the project under /tmp, so the change never touches the project's own files, and
# rehearses test/e2e/organisations/e2e-existing.yaml on a network of its own (fmbe, 10.253.0.0/16; the
# existing server keeps its address 10.252.0.10, routed over that bridge: not while e2e-existing runs).
set -euo pipefail
project=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
tree=$(mktemp -d /tmp/failmap-bench-nginx.XXXXXX)
org=e2e-existing
export FAILMAP_REHEARSAL_NET=fmbe FAILMAP_REHEARSAL_GATEWAY4=10.253.0.1/16 FAILMAP_REHEARSAL_GATEWAY6=fd00:fa13::1/48
export FAILMAP_ORGANISATIONS_DIR=$tree/test/e2e/organisations

cleanup() {
  (cd "$tree" && npm run --silent rehearse -- "$org" --down >/dev/null 2>&1) || true
  rm -rf "$tree"
}
trap cleanup EXIT

rsync -a --exclude /.git --exclude /node_modules --exclude /.gen --exclude /.terraform-providers \
  --exclude /cdktf.out --exclude /client-certs --exclude /.cache "$project/" "$tree/"
# Installed and generated files: the copy shares the project's.
for shared in node_modules .gen .terraform-providers; do ln -s "$project/$shared" "$tree/$shared"; done
cd "$tree"

# timed LABEL COMMAND...: runs the command with its output in bench.log (one log per step) and prints its time.
timed() {
  local label=$1 start=$SECONDS
  shift
  if ! "$@" >"$tree/step.log" 2>&1; then
    tail -20 "$tree/step.log" >&2
    echo "$label: failed" >&2
    exit 1
  fi
  sed 's/\x1b\[[0-9;]*[A-Za-z]//g' "$tree/step.log" >>"$tree/bench.log"
  echo "$label: $((SECONDS - start)) s"
}

timed "deploy from an empty local cloud" npm run rehearse -- "$org"
timed "no-op plan (cdktf diff)" npm run rehearse -- "$org" --cdktf diff
grep -E 'No changes|Plan:' "$tree/bench.log" | tail -1

cp constructs/webserver/render-nginx-config.ts "$tree/render-nginx-config.ts.orig"
sed -i 's/"keepalive_timeout 65s;"/"keepalive_timeout 75s;"/' constructs/webserver/render-nginx-config.ts
diff -u "$tree/render-nginx-config.ts.orig" constructs/webserver/render-nginx-config.ts || true
timed "one-line nginx change applied (cdktf deploy)" npm run rehearse -- "$org" --cdktf deploy --auto-approve
sed 's/\x1b\[[0-9;]*[A-Za-z]//g' "$tree/step.log" | grep -E 'Apply complete|must be replaced|updated in-place|will be created|will be destroyed' | sed 's/^[a-z0-9-]* *//' | sort -u
