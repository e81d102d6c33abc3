#!/bin/bash
# The rehearsal's network on this machine: one bridge that every server and client namespace hangs off by a
# veth pair. This machine holds the gateway addresses on the bridge, so terraform, ssh and the local services
# reach every server, and servers reach each other and the services on the gateway address. Nothing is routed
# beyond the bridge: the servers have no route out, as the rehearsal intends.
#
#   rehearsal-net.sh up                          the bridge with the gateway addresses
#   rehearsal-net.sh attach NS IPV4/LEN IPV6/LEN  namespace NS, its eth0 on the bridge with these addresses
#   rehearsal-net.sh route NS IPV4               an address outside the bridge's network (IPV4/32 on NS's eth0,
#                                                e.g. an existing server's public address): routed over the bridge
#   rehearsal-net.sh nameservers NS ADDRESS...   the resolver of commands run with `ip netns exec NS`
#   rehearsal-net.sh detach NS                   the namespace, its veth and what still runs in it
#   rehearsal-net.sh down                        every namespace of the rehearsal, then the bridge
#
# Every command is idempotent, so `down` also cleans up after a run that crashed. Settings (environment):
#   FAILMAP_REHEARSAL_NET      name prefix of the bridge, namespaces and veths (default fmrh)
#   FAILMAP_REHEARSAL_GATEWAY4 this machine's address on the bridge, with the prefix length (10.250.0.1/16)
#   FAILMAP_REHEARSAL_GATEWAY6 the same for IPv6 (fd00:fa11::1/48)
set -euo pipefail

PREFIX=${FAILMAP_REHEARSAL_NET:-fmrh}
GATEWAY4=${FAILMAP_REHEARSAL_GATEWAY4:-10.250.0.1/16}
GATEWAY6=${FAILMAP_REHEARSAL_GATEWAY6:-fd00:fa11::1/48}
BRIDGE=$PREFIX-br

fail() {
  echo "rehearsal-net: $*" >&2
  exit 1
}

link_exists() { ip link show "$1" >/dev/null 2>&1; }
netns_exists() { [[ -e /run/netns/$1 ]]; }

# add_address DEV ADDRESS [NETNS]: the address on the device, once (nodad: usable at once, no duplicate check
# needed on a bridge whose addresses the API hands out).
add_address() {
  local dev=$1 address=$2 ns=${3-}
  local ip=(ip)
  [[ -z $ns ]] || ip=(ip -n "$ns")
  local flags=()
  [[ $address != *:* ]] || flags=(nodad)
  # Not `| grep -q`: grep's early exit would fail the pipeline (pipefail) when the address is there.
  if [[ $("${ip[@]}" -o addr show dev "$dev") != *" $address "* ]]; then
    "${ip[@]}" addr add "$address" dev "$dev" "${flags[@]}"
  fi
}

up() {
  link_exists "$BRIDGE" || ip link add "$BRIDGE" type bridge
  # No forwarding delay: a server answers as soon as its veth is on the bridge.
  ip link set "$BRIDGE" type bridge forward_delay 0 stp_state 0
  add_address "$BRIDGE" "$GATEWAY4"
  add_address "$BRIDGE" "$GATEWAY6"
  ip link set "$BRIDGE" up
}

attach() {
  local ns=$1 address4=$2 address6=$3
  [[ $ns == "$PREFIX"-* ]] || fail "namespace $ns is not named $PREFIX-*"
  # The host end of the veth is named as the namespace, so detach and down find it; names have 15 characters.
  ((${#ns} <= 15)) || fail "namespace name $ns is longer than 15 characters"
  link_exists "$BRIDGE" || fail "no bridge $BRIDGE: run 'rehearsal-net.sh up' first"
  netns_exists "$ns" || ip netns add "$ns"
  if ! ip -n "$ns" link show eth0 >/dev/null 2>&1; then
    link_exists "$ns" && ip link del "$ns"
    ip link add "$ns" type veth peer name eth0 netns "$ns"
  fi
  ip link set "$ns" master "$BRIDGE" up
  ip -n "$ns" link set lo up
  add_address eth0 "$address4" "$ns"
  add_address eth0 "$address6" "$ns"
  ip -n "$ns" link set eth0 up
}

# stop_processes NS: what still runs in the namespace (a machine whose nspawn died), asked, then made, to stop.
stop_processes() {
  local ns=$1 pids attempt
  for attempt in 1 2 3 4 5 6 7 8 9 10; do
    pids=$(ip netns pids "$ns" 2>/dev/null || true)
    [[ -n $pids ]] || return 0
    # shellcheck disable=SC2086 # one pid a word
    if ((attempt < 10)); then kill -TERM $pids 2>/dev/null || true; else kill -KILL $pids 2>/dev/null || true; fi
    sleep 0.5
  done
}

# route NS IPV4: this machine reaches IPV4 over the bridge, and NS reaches the gateway on its link.
route() {
  local ns=$1 address=$2
  netns_exists "$ns" || fail "no namespace $ns"
  ip route replace "$address/32" dev "$BRIDGE" src "${GATEWAY4%/*}"
  ip -n "$ns" route replace "${GATEWAY4%/*}/32" dev eth0
}

detach() {
  local ns=$1 address
  [[ $ns == "$PREFIX"-* ]] || fail "namespace $ns is not named $PREFIX-*"
  # Host routes to the namespace's /32 addresses (route) go with it.
  if netns_exists "$ns"; then
    for address in $(ip -n "$ns" -4 -o addr show dev eth0 2>/dev/null | awk '$4 ~ /\/32$/ {print $4}'); do
      ip route del "$address" dev "$BRIDGE" 2>/dev/null || true
    done
    stop_processes "$ns"
  fi
  # The veth first: deleting one end deletes both at once, while a deleted namespace lets go of its
  # devices a little later.
  if link_exists "$ns"; then ip link del "$ns"; fi
  if netns_exists "$ns"; then ip netns del "$ns"; fi
  rm -rf "/etc/netns/$ns"
}

down() {
  local ns
  for ns in $(ip netns list | awk '{print $1}'); do
    [[ $ns != "$PREFIX"-* ]] || detach "$ns"
  done
  for ns in $(ip -o link show | awk -F': ' '{print $2}' | cut -d@ -f1); do
    [[ $ns != "$PREFIX"-* || $ns == "$BRIDGE" ]] || ip link del "$ns"
  done
  if link_exists "$BRIDGE"; then ip link del "$BRIDGE"; fi
}

# nameservers NS ADDRESS...: the resolver of commands run with `ip netns exec NS`, which bind-mounts
# /etc/netns/NS/resolv.conf over /etc/resolv.conf for them alone.
nameservers() {
  local ns=$1 file=/etc/netns/$1/resolv.conf
  shift
  netns_exists "$ns" || fail "no namespace $ns"
  mkdir -p "/etc/netns/$ns"
  printf 'nameserver %s\n' "$@" >"$file.new"
  mv "$file.new" "$file"
}

usage="usage: $0 up | attach NS IPV4/LEN IPV6/LEN | route NS IPV4 | nameservers NS ADDRESS... | detach NS | down"
case ${1-}:$# in
  up:1) up ;;
  attach:4) attach "$2" "$3" "$4" ;;
  route:3) route "$2" "$3" ;;
  nameservers:[3-9]) nameservers "${@:2}" ;;
  detach:2) detach "$2" ;;
  down:1) down ;;
  *) fail "$usage" ;;
esac
