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
 * A privileged container asks runc for every capability the kernel knows. The machine's bounding set lacks
 * some (nspawn drops CAP_SYS_TIME, see NSPAWN_OPTIONS, and this machine's own set may lack more, such as
 * CAP_SYS_RESOURCE), and runc then fails with "unable to apply caps". On a VM root has them all. This shim,
 * first on the PATH that dockerd and containerd search for runc, takes out of a new container's capability
 * sets, and out of each process `docker exec` starts in it (health checks too), what the machine itself does not
 * have, and runs Debian's runc. Other containers are left as they are.
 */
const CAPABILITY_NAMES = [
  "CHOWN",
  "DAC_OVERRIDE",
  "DAC_READ_SEARCH",
  "FOWNER",
  "FSETID",
  "KILL",
  "SETGID",
  "SETUID",
  "SETPCAP",
  "LINUX_IMMUTABLE",
  "NET_BIND_SERVICE",
  "NET_BROADCAST",
  "NET_ADMIN",
  "NET_RAW",
  "IPC_LOCK",
  "IPC_OWNER",
  "SYS_MODULE",
  "SYS_RAWIO",
  "SYS_CHROOT",
  "SYS_PTRACE",
  "SYS_PACCT",
  "SYS_ADMIN",
  "SYS_BOOT",
  "SYS_NICE",
  "SYS_RESOURCE",
  "SYS_TIME",
  "SYS_TTY_CONFIG",
  "MKNOD",
  "LEASE",
  "AUDIT_WRITE",
  "AUDIT_CONTROL",
  "SETFCAP",
  "MAC_OVERRIDE",
  "MAC_ADMIN",
  "SYSLOG",
  "WAKE_ALARM",
  "BLOCK_SUSPEND",
  "AUDIT_READ",
  "PERFMON",
  "BPF",
  "CHECKPOINT_RESTORE",
];
const RUNC_SHIM = `#!/usr/bin/python3
# failmap rehearsal: runc within the machine's own capabilities (rehearsal/machines/container-differences.ts)
import json, os, sys

NAMES = ${JSON.stringify(CAPABILITY_NAMES.map((name) => `CAP_${name}`))}
with open("/proc/self/status") as status:
    bounding = next(int(line.split()[1], 16) for line in status if line.startswith("CapBnd:"))
missing = {name for bit, name in enumerate(NAMES) if not bounding & (1 << bit)}

args = sys.argv[1:]


def option(names, default=None):
    for i, arg in enumerate(args):
        if arg in names and i + 1 < len(args):
            return args[i + 1]
        for name in names:
            if arg.startswith(name + "="):
                return arg.split("=", 1)[1]
    return default


def within_bounds(file, capabilities_of):
    if not os.path.exists(file):
        return
    with open(file) as f:
        spec = json.load(f)
    sets = capabilities_of(spec) or {}
    if any(name in missing for names in sets.values() for name in (names or [])):
        for kind, names in sets.items():
            sets[kind] = [name for name in (names or []) if name not in missing]
        with open(file, "w") as f:
            json.dump(spec, f)


if missing and ("create" in args or "run" in args):
    bundle = option(("--bundle", "-b"), ".")
    within_bounds(os.path.join(bundle, "config.json"), lambda spec: spec.get("process", {}).get("capabilities"))
elif missing and "exec" in args and option(("--process", "-p")):
    # docker exec (health checks too) hands runc the process with the container's capabilities as docker made them.
    within_bounds(option(("--process", "-p")), lambda process: process.get("capabilities"))
os.execv("/usr/sbin/runc", ["runc"] + args)
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
  put("usr/local/sbin/runc", RUNC_SHIM, 0o755);
  put("etc/systemd/system/failmap-rehearsal-cgroups.service", CGROUP_UNIT, 0o644);
  const wants = path.join(root, "etc/systemd/system/sysinit.target.wants");
  fs.mkdirSync(wants, { recursive: true });
  fs.symlinkSync(
    "../failmap-rehearsal-cgroups.service",
    path.join(wants, "failmap-rehearsal-cgroups.service"),
  );
}

/** Everything the image part reads besides its own source, for the image's cache key. */
export const CONTAINER_DIFFERENCE_FILES = [SWAPON_SHIM, SWAPOFF_SHIM, RUNC_SHIM, CGROUP_UNIT];

/**
 * - `SYSTEMD_NSPAWN_API_VFS_WRITABLE`: dockerd turns on `net.ipv4.ip_forward` (and other net.* settings) for
 *   its bridge. nspawn mounts /proc/sys read-only; writable, these settings apply to the machine's own network
 *   namespace only, as on a VM. (It also makes the kernel-global settings writable: the bootstrap writes none.)
 */
export const NSPAWN_ENVIRONMENT = { SYSTEMD_NSPAWN_API_VFS_WRITABLE: "1" } as const;

/**
 * - `--capability=all`: dockerd and runc need the capabilities a VM's root has (mounts, namespaces, netfilter).
 * - `--drop-capability=CAP_SYS_TIME`: the clock is global to the kernel and this machine keeps it (privileged
 *   containers go without it: see the runc shim). For the same
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
