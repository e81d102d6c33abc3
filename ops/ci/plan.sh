#!/usr/bin/env bash
# Plans one organisation's synthesized stack into a saved plan, <stack>/<name>.tfplan, writes the plan as
# JSON beside it (<name>.json, from `terraform show -json`) and appends its summary to the summary file.
# The saved plan is what gets applied: `ops/ci/reviewed-plan.sh apply` and ops/ci/scheduled-apply.sh apply
# exactly it. Both files hold every generated secret in clear: the callers remove them when they are done.
# Usage: ops/ci/plan.sh <organisation> <name> [summary-file]   (after `npx cdktf synth`)
set -euo pipefail

org="${1:?usage: plan.sh <organisation> <name> [summary-file]}"
name="${2:?usage: plan.sh <organisation> <name> [summary-file]}"
summary="${3:-}"
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
# FAILMAP_CDKTF_OUT: cdktf's output folder, when not cdktf.out of the project (ops/ci/scheduled-apply.sh).
stack="${FAILMAP_CDKTF_OUT:-$root/cdktf.out}/stacks/org-$org"
# The CLI cdktf runs: TERRAFORM_BINARY_NAME (e.g. tofu), as in ops/state/terraform.ts.
tf="${TERRAFORM_BINARY_NAME:-terraform}"

if [ ! -f "$stack/cdk.tf.json" ]; then
  echo "no synthesized stack at $stack: run npx cdktf synth first" >&2
  exit 1
fi
cd "$stack"
"$tf" init -input=false -no-color
"$tf" plan -input=false -no-color -lock-timeout=10m -out="$name.tfplan"
"$tf" show -json "$name.tfplan" >"$name.json"
summarise() { "$root/node_modules/.bin/tsx" "$root/scripts/operator/plan-summary.ts" --title "org-$org" "$name.json"; }
# Without a summary file, standard output is written to as it is: /dev/stdout cannot be opened when it is a
# socket (a systemd journal, Node's child pipes).
if [ -n "$summary" ]; then summarise >>"$summary"; else summarise; fi
