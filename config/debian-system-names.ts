/*
 * User and group names a server already uses before any person is added. users.sh would adopt such an
 * account (and its groups and files) instead of creating a person's own, so these names are refused.
 *
 * Source: /etc/passwd and /etc/group of Debian 12.15 (bookworm) after `debootstrap --variant=minbase` and
 * `apt-get install --no-install-recommends` of the bootstrap's packages (systemd systemd-timesyncd dbus tzdata
 * unattended-upgrades sudo docker.io nftables logrotate mariadb-server prometheus-node-exporter
 * openssh-server cloud-init), recorded on 2026-11-28; plus the groups udev adds on a booted cloud
 * image (input, kvm, render, sgx) and the groups the bootstrap itself creates (scripts/bootstrap/users.sh).
 */
// prettier-ignore
export const DEBIAN_SYSTEM_USERS: readonly string[] = [
  "root", "daemon", "bin", "sys", "sync", "games", "man", "lp", "mail", "news", "uucp", "proxy", "www-data",
  "backup", "list", "irc", "_apt", "nobody", "systemd-network", "systemd-timesync", "messagebus", "sshd",
  "mysql", "prometheus",
];

// prettier-ignore
export const DEBIAN_SYSTEM_GROUPS: readonly string[] = [
  "root", "daemon", "bin", "sys", "adm", "tty", "disk", "lp", "mail", "news", "uucp", "man", "proxy", "kmem",
  "dialout", "fax", "voice", "cdrom", "floppy", "tape", "sudo", "audio", "dip", "www-data", "backup",
  "operator", "list", "irc", "src", "shadow", "utmp", "video", "sasl", "plugdev", "staff", "games", "users",
  "nogroup", "systemd-journal", "systemd-network", "systemd-timesync", "messagebus", "_ssh", "mysql",
  "prometheus", "docker",
  // udev on a booted image
  "input", "kvm", "render", "sgx",
  // scripts/bootstrap/users.sh
  "failmap-users", "failmap-ssh",
];

const TAKEN = new Set([...DEBIAN_SYSTEM_USERS, ...DEBIAN_SYSTEM_GROUPS]);

/** Why `name` cannot be a person's account on the server, or undefined. */
export function systemNameProblem(name: string): string | undefined {
  if (!TAKEN.has(name)) return undefined;
  const what = DEBIAN_SYSTEM_USERS.includes(name) ? "a system account" : "a system group";
  return `is ${what} on a Debian server with this stack (see config/debian-system-names.ts); the bootstrap would hand that account to this person, so pick another name, such as ${name.replace(/^_/, "")}-admin or the person's own name`;
}
