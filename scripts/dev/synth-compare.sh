#!/usr/bin/env bash
# Whether a refactoring changed what the app synthesizes: synthesizes the example organisations at a git
# revision (default: main) and in this working tree, and compares the stacks' JSON byte for byte. The one
# difference that is no change is the project's own folder, which the local state path holds; it is written as
# <project> on both sides. Exits 1 and prints the diff when the JSON differs.
#   scripts/dev/synth-compare.sh [revision]
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
root="$PWD"
revision="${1:-main}"
scratch="$(mktemp -d /tmp/synth-compare.XXXXXX)"
before="$scratch/before"

cleanup() {
  git worktree remove --force "$before" >/dev/null 2>&1 || true
  rm -rf "$scratch"
}
trap cleanup EXIT

# synth <project dir> <output dir>: the stacks' JSON with the project folder written as <project>.
synth() {
  mkdir -p "$2"
  (cd "$1" && CHECKPOINT_DISABLE=1 npx cdktf synth --output "$2/out" >"$2.log" 2>&1) || {
    echo "synth failed in $1; its output:" >&2
    grep -v "CLI configuration\|terraformrc\|Synthesizing\|^[│╷╵ ]*$" "$2.log" >&2
    exit 2
  }
  mkdir -p "$2/stacks"
  for stack in "$2"/out/stacks/*/; do
    name="$(basename "$stack")"
    sed "s|$1|<project>|g" "$stack/cdk.tf.json" >"$2/stacks/$name.json"
  done
}

git worktree add --detach "$before" "$revision" >/dev/null 2>&1
ln -s "$root/node_modules" "$before/node_modules"
# The revision's own postinstall: it generates the bindings wherever that revision keeps the script.
(cd "$before" && npm run --silent postinstall >/dev/null)
synth "$before" "$scratch/a"
synth "$root" "$scratch/b"

if diff -r "$scratch/a/stacks" "$scratch/b/stacks" >"$scratch/diff"; then
  echo "byte-identical: $(cd "$scratch/b/stacks" && echo *) (against $revision)"
else
  echo "the synthesized JSON differs from $revision:" >&2
  for json in "$scratch"/a/stacks/*.json; do
    name="$(basename "$json")"
    [[ -f "$scratch/b/stacks/$name" ]] || continue
    diff <(python3 -m json.tool "$json") <(python3 -m json.tool "$scratch/b/stacks/$name") >&2 || true
  done
  exit 1
fi
