import fs from "node:fs";
import path from "node:path";
import { repositoryRoot } from "../../constructs/bootstrap/script-files";
import { cachedDebianRootfs, inChroot } from "../images/debian-rootfs";
import { applyContainerDifferences, CONTAINER_DIFFERENCE_FILES } from "./container-differences";

/*
 * The rehearsal's "debian-12" server image: what a fresh cloud server boots, with cloud-init reading a NoCloud
 * seed. The machines have no route out, so every package the bootstrap installs is already in the apt cache.
 */

/** A cloud image's base: init, sshd, sudo, cloud-init and what cloud-init's modules use. */
const IMAGE_PACKAGES = [
  "systemd",
  "systemd-sysv",
  "dbus",
  "openssh-server",
  "sudo",
  "cloud-init",
  "locales",
  "ca-certificates",
];

/** The packages named by `ensure_packages` in the bootstrap scripts: what a bootstrap run installs. */
export function bootstrapPackages(
  scriptsDir: string = path.join(repositoryRoot(), "scripts/bootstrap"),
): string[] {
  const packages = new Set<string>();
  for (const file of fs.readdirSync(scriptsDir).filter((f) => f.endsWith(".sh"))) {
    for (const line of fs.readFileSync(path.join(scriptsDir, file), "utf8").split("\n")) {
      const match = /^\s*ensure_packages\s+(.+)$/.exec(line);
      if (match) match[1].split(/\s+/).forEach((p) => packages.add(p));
    }
  }
  return [...packages].sort();
}

/**
 * cloud-init's image settings: the seed is NoCloud, and the network is configured from outside the machine.
 * /etc/hosts names the machine, as on cloud images (else sudo waits for DNS and warns).
 */
const CLOUD_CFG = `# failmap rehearsal server image
datasource_list: [NoCloud, None]
network: {config: disabled}
manage_etc_hosts: true
`;

/** The locale cloud-init sets by default (Debian's locale-gen only builds what /etc/locale.gen lists). */
const DEFAULT_LOCALE = "en_US.UTF-8 UTF-8";

/** What no two servers may share, and what only the build needed. */
function finishServerImage(root: string): void {
  fs.rmSync(path.join(root, "usr/sbin/policy-rc.d"));
  fs.rmSync(path.join(root, "etc/resolv.conf"));
  for (const name of fs.readdirSync(path.join(root, "etc/ssh"))) {
    if (name.startsWith("ssh_host_")) fs.rmSync(path.join(root, "etc/ssh", name));
  }
  // Empty: each machine gets its own id at its first boot.
  fs.writeFileSync(path.join(root, "etc/machine-id"), "");
  fs.rmSync(path.join(root, "var/lib/dbus/machine-id"), { force: true });
  fs.writeFileSync(path.join(root, "etc/cloud/cloud.cfg.d/90-failmap-rehearsal.cfg"), CLOUD_CFG);
  fs.appendFileSync(path.join(root, "etc/locale.gen"), `${DEFAULT_LOCALE}\n`);
  inChroot(root, ["locale-gen"]);
  applyContainerDifferences(root);
}

/** The cached server image (built once per package list, a few minutes). */
export function serverImage(): string {
  return cachedDebianRootfs({
    suite: "bookworm",
    install: IMAGE_PACKAGES,
    download: bootstrapPackages(),
    finish: finishServerImage,
    finishInputs: [CLOUD_CFG, DEFAULT_LOCALE, ...CONTAINER_DIFFERENCE_FILES],
  });
}
