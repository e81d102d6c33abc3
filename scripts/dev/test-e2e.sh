#!/usr/bin/env bash
# The last tier of `npm test`: whole deploys of both kinds of organisation into the local cloud
# (`npm run test:e2e`). They need all six Terraform provider plugins. Where one is missing (a machine that
# has neither the plugins nor a Terraform registry), this says in one line which, and where Terraform looked,
# and the run goes on: every other tier has already checked what can be checked without them.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."

status=0
found="$(npm run --silent providers -- --check)" || status=$?
case "$status" in
  0) exec npm run test:e2e ;;
  3) echo "e2e: not run: $found" ;;
  *)
    echo "e2e: the provider check failed (exit $status): $found" >&2
    exit "$status"
    ;;
esac
