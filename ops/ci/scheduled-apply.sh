#!/usr/bin/env bash
# The scheduled run for one organisation: renews certificates inside min_days_remaining and reports drift.
# It applies the plan only when every change in it is a certificate renewal (plus the uploads that deliver
# the new certificates). Anything else, drift or a change on main that nobody deployed yet, is summarised
# and the job fails, so that a person looks at it and deploys it through the reviewed path.
# It synthesizes the stack itself, with FAILMAP_FREEZE_IMAGES=1: images looked up by tag stay at the digests
# in state, so that a push upstream (a deploy, reviewed like any other) never stops a renewal.
# FAILMAP_CDKTF_OUT names cdktf's output folder (default: cdktf.out of the project), e.g. a rehearsal's.
# Usage: ops/ci/scheduled-apply.sh <organisation> [summary-file]
set -euo pipefail

org="${1:?usage: scheduled-apply.sh <organisation> [summary-file]}"
summary="${2:-}"
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
out="${FAILMAP_CDKTF_OUT:-$root/cdktf.out}"
stack="$out/stacks/org-$org"
tf="${TERRAFORM_BINARY_NAME:-terraform}"
summarise() { "$root/node_modules/.bin/tsx" "$root/scripts/operator/plan-summary.ts" "$@"; }

(cd "$root" && FAILMAP_ORGANISATION="$org" FAILMAP_FREEZE_IMAGES=1 "$root/node_modules/.bin/cdktf" synth --output "$out")
trap 'rm -f "$stack/scheduled.tfplan" "$stack/scheduled.json"' EXIT
FAILMAP_CDKTF_OUT="$out" "$root/ops/ci/plan.sh" "$org" scheduled ${summary:+"$summary"}
cd "$stack"
verdict="$(summarise --classify scheduled.json)"
case "$verdict" in
  none)
    echo "org-$org: nothing to renew, no drift"
    ;;
  renewal)
    echo "org-$org: renewing certificates"
    "$tf" apply -input=false -no-color scheduled.tfplan
    ;;
  *)
    echo "org-$org: the plan holds changes beyond certificate renewal (drift, or an undeployed change on main)." >&2
    echo "Nothing was applied. Read the plan summary, then deploy through the reviewed pipeline." >&2
    exit 3
    ;;
esac
