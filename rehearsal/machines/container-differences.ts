import fs from "node:fs";
import path from "node:path";

/*
 * What a systemd-nspawn machine cannot do as the cloud VM it stands in for. Every difference is handled here
 * and nowhere else, with its reason; nothing in the product changes for the rehearsal. Two kinds: the nspawn
 * options and environment of a boot (`NSPAWN_OPTIONS`, `NSPAWN_ENVIRONMENT`) and files in the server image
 * (`applyContainerDifferences`).
 */

/** Where the swap shim records the swap files the machine believes are on. */
const SWAP_STATE = "/run/failmap-rehearsal-swap";

/**
 * Swap is global to the kernel: a swap file turned on inside a machine would be swap for this whole machine,
 * and stay on after the machine is gone. The bootstrap creates /swapfile and runs `swapon` / `swapoff` /
 * `swapon --show`: these shims, first on root's and sudo's PATH, keep the machine's own record of what is on
 * instead. The syscalls themselves are denied (NSPAWN_OPTIONS) so that nothing can slip past the shims, and
 * systemd's fstab generator ignores swap lines inside a container, so a reboot turns nothing on either.
 */
const SWAPON_SHIM = `#!/bin/sh
# failmap rehearsal (rehearsal/machines/container-differences.ts): swap is global to the kernel, so this
# machine only records which swap files are "on".
set -e
touch ${SWAP_STATE}
case "$1" in
  --show*) [ -s ${SWAP_STATE} ] && { case "$*" in *--noheadings*) ;; *) echo NAME ;; esac; cat ${SWAP_STATE}; } ; exit 0 ;;
  -a | --all) exit 0 ;;
  -*) echo "swapon shim: unsupported option $1" >&2; exit 1 ;;
esac
for file in "$@"; do
  [ -f "$file" ] || { echo "swapon: cannot open $file" >&2; exit 1; }
  grep -qxF "$file" ${SWAP_STATE} || echo "$file" >>${SWAP_STATE}
done
`;
const SWAPOFF_SHIM = `#!/bin/sh
# failmap rehearsal (rehearsal/machines/container-differences.ts): swap is global to the kernel, so this
# machine only records which swap files are "on".
set -e
touch ${SWAP_STATE}
for file in "$@"; do
  grep -qxF "$file" ${SWAP_STATE} || { echo "swapoff: $file: not swap" >&2; exit 1; }
  grep -vxF "$file" ${SWAP_STATE} >${SWAP_STATE}.new || true
  mv ${SWAP_STATE}.new ${SWAP_STATE}
done
`;

/**
 * Docker needs to create cgroups, and on this machine's cgroup v1 hierarchy nspawn mounts the controllers
 * read-only. This unit remounts them read-write before containerd and docker start, on every boot.
 */
const CGROUP_CONTROLLERS = ["cpu", "cpuacct", "cpuset", "memory", "devices", "blkio", "freezer", "pids"];
const CGROUP_UNIT = `[Unit]
Description=failmap rehearsal: writable cgroup v1 controllers for docker (rehearsal/machines/container-differences.ts)
DefaultDependencies=no
Before=containerd.service docker.service
ConditionPathIsMountPoint=/sys/fs/cgroup/memory

[Service]
Type=oneshot
RemainAfterExit=yes
ExecStart=/bin/sh -c 'for c in ${CGROUP_CONTROLLERS.join(" ")}; do mount -o remount,rw,bind /sys/fs/cgroup/$c; done'

[Install]
WantedBy=sysinit.target
`;

/** Files in the server image for the differences above. `root` is the image's tree. */
export function applyContainerDifferences(root: string): void {
  const put = (inside: string, content: string, mode: number) => {
    const file = path.join(root, inside);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, content, { mode });
  };
  put("usr/local/sbin/swapon", SWAPON_SHIM, 0o755);
  put("usr/local/sbin/swapoff", SWAPOFF_SHIM, 0o755);
  put("etc/systemd/system/failmap-rehearsal-cgroups.service", CGROUP_UNIT, 0o644);
  const wants = path.join(root, "etc/systemd/system/sysinit.target.wants");
  fs.mkdirSync(wants, { recursive: true });
  fs.symlinkSync(
    "../failmap-rehearsal-cgroups.service",
    path.join(wants, "failmap-rehearsal-cgroups.service"),
  );
}

/** Everything the image part reads besides its own source, for the image's cache key. */
export const CONTAINER_DIFFERENCE_FILES = [SWAPON_SHIM, SWAPOFF_SHIM, CGROUP_UNIT];

/**
 * - `SYSTEMD_NSPAWN_API_VFS_WRITABLE`: dockerd turns on `net.ipv4.ip_forward` (and other net.* settings) for
 *   its bridge. nspawn mounts /proc/sys read-only; writable, these settings apply to the machine's own network
 *   namespace only, as on a VM. (It also makes the kernel-global settings writable: the bootstrap writes none.)
 */
export const NSPAWN_ENVIRONMENT = { SYSTEMD_NSPAWN_API_VFS_WRITABLE: "1" } as const;

/**
 * - `--capability=all`: dockerd and runc need the capabilities a VM's root has (mounts, namespaces, netfilter).
 * - `--drop-capability=CAP_SYS_TIME`: the clock is global to the kernel and this machine keeps it. For the same
 *   reason systemd-timesyncd stays off: its unit has `ConditionVirtualization=!container`, and that is left as
 *   it is (the bootstrap enables the unit; inside the machine it never starts).
 * - `@keyring bpf`: runc joins a session keyring and loads device-cgroup programs; nspawn's default filter
 *   refuses both ("unable to join session keyring").
 * - `~swapon swapoff`: see the swap shims.
 */
export const NSPAWN_OPTIONS = [
  "--capability=all",
  "--drop-capability=CAP_SYS_TIME",
  "--system-call-filter=@keyring bpf",
  "--system-call-filter=~swapon swapoff",
] as const;
