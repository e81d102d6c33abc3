#!/bin/bash
# shellcheck source-path=SCRIPTDIR
# The host firewall (nftables), defence in depth behind the cloud firewall. It owns one table,
# inet $FAILMAP_NFT_TABLE, and never flushes the whole ruleset: Docker keeps its own rules in other tables.
set -euo pipefail
# shellcheck source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

ensure_packages nftables

RULES=/etc/nftables.d/failmap.nft

# A ruleset the kernel would refuse is refused here, before it replaces a working one.
nft -c -f "$CONFIG/nftables.nft" || fail "the rendered firewall rules are invalid"

# Debian's default nftables.conf starts with "flush ruleset", and its unit flushes everything on stop
# and reload: both would remove Docker's rules.
write_file /etc/nftables.conf 0755 <<'CONF'
#!/usr/sbin/nft -f
# Managed by failmap bootstrap. No "flush ruleset" here: that would also remove Docker's rules.
include "/etc/nftables.d/*.nft"
CONF
write_unit nftables.service.d/failmap.conf <<UNIT
# Managed by failmap bootstrap: stop and reload touch only the $FAILMAP_NFT_TABLE table.
[Service]
ExecReload=
ExecReload=/usr/sbin/nft -f /etc/nftables.conf
ExecStop=
ExecStop=-/usr/sbin/nft delete table inet $FAILMAP_NFT_TABLE
UNIT
reload_units

put_file "$CONFIG/nftables.nft" "$RULES" 0644
if $FILE_CHANGED && systemd_running; then
  nft -f "$RULES"
  changed "firewall rules loaded"
fi
enable_unit nftables
