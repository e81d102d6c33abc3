#!/usr/bin/env bash
# What `npm test` needs before it starts: the Debian packages in debian-packages.txt, terraform (or
# $TERRAFORM_BINARY_NAME), Go 1.25 or newer (npm run providers builds the Terraform provider plugins with it)
# and the npm dependencies. Run as root on Debian, it installs missing Debian packages itself; anything else
# missing stops it at once with one message that lists it all and the one command that installs it:
#   scripts/dev/preflight.sh             check; as root, also apt-get install the missing packages
#   scripts/dev/preflight.sh --install   install everything missing (root): packages, terraform, Go
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
install_all=false
case "${1:-}" in
  --install) install_all=true ;;
  "") ;;
  *)
    echo "usage: scripts/dev/preflight.sh [--install]" >&2
    exit 2
    ;;
esac

GO_MINIMUM=25 # minor version of Go 1.x: the provider plugins' own go.mod files ask for it
terraform_binary="${TERRAFORM_BINARY_NAME:-terraform}"
# A Go from the go.dev tarball is often installed but not on a non-login shell's PATH.
[ -x /usr/local/go/bin/go ] && PATH="$PATH:/usr/local/go/bin"

mapfile -t packages < <(sed -e 's/#.*//' -e 's/[[:space:]]//g' -e '/^$/d' "$here/debian-packages.txt")

missing_packages() {
  local p
  for p in "${packages[@]}"; do
    dpkg-query -W -f='${db:Status-Abbrev}' "$p" 2>/dev/null | grep -q '^ii' || echo "$p"
  done
}

# Go 1.x with x >= GO_MINIMUM, else what is there instead.
go_problem() {
  local version minor
  if ! command -v go >/dev/null; then
    echo "Go 1.$GO_MINIMUM or newer (no go on the PATH)"
    return
  fi
  version="$(go env GOVERSION 2>/dev/null || true)"
  minor="$(sed -nE 's/^go1\.([0-9]+).*/\1/p' <<<"$version")"
  if [ -z "$minor" ] || [ "$minor" -lt "$GO_MINIMUM" ]; then
    echo "Go 1.$GO_MINIMUM or newer (found ${version:-an unknown version})"
  fi
}

apt_install() {
  local policy=/usr/sbin/policy-rc.d created=false
  echo "preflight: installing Debian packages: $*"
  # The tests start their own daemons on loopback ports: keep apt from starting nginx, MariaDB, redis,
  # Prometheus and the rest as services (the Debian mechanism: a policy-rc.d that refuses, exit 101).
  if [ ! -e "$policy" ]; then
    printf '#!/bin/sh\nexit 101\n' >"$policy"
    chmod 0755 "$policy"
    created=true
  fi
  export DEBIAN_FRONTEND=noninteractive
  local status=0
  { apt-get update -qq && apt-get install -y -qq --no-install-recommends "$@" >/dev/null; } || status=$?
  if "$created"; then rm -f "$policy"; fi
  return "$status"
}

is_root_on_debian() { [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null; }

mapfile -t missing < <(missing_packages)
if [ "${#missing[@]}" -gt 0 ] && is_root_on_debian; then
  apt_install "${missing[@]}"
  mapfile -t missing < <(missing_packages)
fi
if "$install_all"; then
  if ! is_root_on_debian; then
    echo "preflight --install installs system packages and /usr/local/bin programs: run it as root on Debian" >&2
    exit 1
  fi
  command -v "$terraform_binary" >/dev/null || [ "$terraform_binary" != terraform ] || "$root/ops/ci/install-terraform.sh"
  [ -z "$(go_problem)" ] || "$here/install-go.sh"
fi

problems=()
[ "${#missing[@]}" -eq 0 ] || problems+=("Debian packages: ${missing[*]}")
if ! command -v "$terraform_binary" >/dev/null; then
  if [ "$terraform_binary" = terraform ]; then
    problems+=("terraform (not on the PATH; or set TERRAFORM_BINARY_NAME=tofu for OpenTofu)")
  else
    problems+=("$terraform_binary (TERRAFORM_BINARY_NAME; not on the PATH: install it, or unset the variable)")
  fi
fi
go="$(go_problem)"
[ -z "$go" ] || problems+=("$go")
# What --install cannot do: npm ci as the user who runs the tests.
installable="${#problems[@]}"
[ -x "$root/node_modules/.bin/jest" ] || problems+=("the npm dependencies: run npm ci first (the README's first command)")

if [ "${#problems[@]}" -gt 0 ]; then
  {
    echo "npm test cannot start; missing:"
    printf '  - %s\n' "${problems[@]}"
    if [ "$installable" -gt 0 ]; then
      echo "Install the Debian packages, terraform and Go with one command (as root, on Debian):"
      echo "  sudo scripts/dev/preflight.sh --install"
    fi
  } >&2
  exit 1
fi
