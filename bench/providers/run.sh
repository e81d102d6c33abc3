#!/usr/bin/env bash
# Times `npm run providers`: fresh (empty Go module and build caches, empty mirror) and cached (a second run).
#   bash bench/providers/run.sh
set -euo pipefail
cd "$(dirname "$0")/../.."

fresh=$(mktemp -d)
trap 'rm -rf "$fresh"' EXIT
rm -rf .terraform-providers/mirror

seconds() { local start=$SECONDS; "$@" >/dev/null 2>&1 || true; echo $((SECONDS - start)); }

echo "fresh: $(GOMODCACHE="$fresh/mod" GOCACHE="$fresh/cache" seconds npm run providers) s"
echo "cached: $(seconds npm run providers) s"
du -sh "$fresh/mod" "$fresh/cache" | sed 's/^/size of a fresh /'
