#!/usr/bin/env bash
# The reviewed plan travels from the plan job to the approved deploy job as an artifact. A saved plan holds
# every generated secret of the stack in clear, so it leaves the job only encrypted, with FAILMAP_PLAN_KEY
# (a CI secret; docs/operations.md). `apply` applies exactly that plan: Terraform refuses it when the
# state has changed since it was made, so nothing but what was reviewed is ever applied.
# Usage: ops/ci/reviewed-plan.sh seal <organisation> <artifact>    (after ops/ci/plan.sh <organisation> reviewed)
#        ops/ci/reviewed-plan.sh apply <organisation> <artifact>   (after `npx cdktf synth`)
set -euo pipefail

usage="usage: reviewed-plan.sh seal|apply <organisation> <artifact>"
command="${1:?$usage}"
org="${2:?$usage}"
artifact="${3:?$usage}"
: "${FAILMAP_PLAN_KEY:?FAILMAP_PLAN_KEY is not set: the reviewed plan holds secrets and travels encrypted with it}"
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
stack="$root/cdktf.out/stacks/org-$org"
tf="${TERRAFORM_BINARY_NAME:-terraform}"
crypt() { openssl enc -aes-256-cbc -pbkdf2 -iter 200000 -pass env:FAILMAP_PLAN_KEY "$@"; }

case "$command" in
  seal)
    crypt -e -in "$stack/reviewed.tfplan" -out "$artifact"
    # Only the sealed copy leaves this job; the clear ones must not outlive it on a reused runner.
    rm -f "$stack/reviewed.tfplan" "$stack/reviewed.json"
    ;;
  apply)
    trap 'rm -f "$stack/reviewed.tfplan"' EXIT
    crypt -d -in "$artifact" -out "$stack/reviewed.tfplan"
    cd "$stack"
    "$tf" init -input=false -no-color
    "$tf" apply -input=false -no-color reviewed.tfplan
    ;;
  *)
    echo "$usage" >&2
    exit 2
    ;;
esac
