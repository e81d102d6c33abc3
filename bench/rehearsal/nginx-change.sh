#!/bin/bash
# A one-line change to the rendered nginx configuration, applied to a rehearsed organisation: how long the
# deploy takes and how many resources it touches (issue 18: it must be one).
#   bash bench/rehearsal/nginx-change.sh            (as root, with the provider plugins; about 10 minutes)
# It works in a git worktree of HEAD under /tmp, so the change never touches the project's own files, and
# rehearses test/e2e/organisations/e2e-existing.yaml on the end-to-end test's network (do not run both at once).
set -euo pipefail
project=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
tree=$(mktemp -d /tmp/failmap-bench-nginx.XXXXXX)
org=e2e-existing
export FAILMAP_REHEARSAL_NET=fmte FAILMAP_REHEARSAL_GATEWAY4=10.252.0.1/16 FAILMAP_REHEARSAL_GATEWAY6=fd00:fa12::1/48
export FAILMAP_ORGANISATIONS_DIR=$tree/test/e2e/organisations

cleanup() {
  (cd "$tree" && npm run --silent rehearse -- "$org" --down >/dev/null 2>&1) || true
  git -C "$project" worktree remove --force "$tree" || true
}
trap cleanup EXIT

git -C "$project" worktree add --detach "$tree" HEAD >/dev/null
# Installed and generated files are not in git: the worktree shares the project's.
for shared in node_modules .gen .terraform-providers; do ln -s "$project/$shared" "$tree/$shared"; done
cd "$tree"

seconds() { local start=$SECONDS; "$@" >>"$tree/bench.log" 2>&1; echo $((SECONDS - start)); }

echo "deploy from an empty local cloud: $(seconds npm run rehearse -- "$org") s"
echo "no-op plan (cdktf diff): $(seconds npm run rehearse -- "$org" --cdktf diff) s"
grep -E 'No changes|Plan:' "$tree/bench.log" | tail -1

sed -i 's/"keepalive_timeout 65s;"/"keepalive_timeout 75s;"/' constructs/webserver/render-nginx-config.ts
git diff --stat
echo "one-line nginx change applied (cdktf deploy): $(seconds npm run rehearse -- "$org" --cdktf deploy --auto-approve) s"
grep -E 'Apply complete' "$tree/bench.log" | tail -1
grep -E '^\S+\s+\S+: Modifying|will be updated in-place|must be replaced' "$tree/bench.log" | sed 's/\x1b\[[0-9;]*[A-Za-z]//g' | sort -u
