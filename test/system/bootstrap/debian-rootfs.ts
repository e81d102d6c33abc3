import { execFileSync, type ExecFileSyncOptions } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { requireProgram } from "../support/programs";

/*
 * A real Debian to run the bootstrap in: debootstrap --variant=minbase, cached between runs, with the
 * packages the bootstrap installs already downloaded (not installed: the bootstrap installs them itself).
 * Each test gets a writable overlay on top, so the cache stays pristine and a run starts from scratch.
 */

const CACHE_DIR = "/var/tmp/failmap-test-rootfs";

export function run(command: string, args: readonly string[], options: ExecFileSyncOptions = {}): string {
  return execFileSync(command, args, { encoding: "utf8", maxBuffer: 64 * 1024 * 1024, ...options }) as string;
}

/** The packages named by `ensure_packages` in the bootstrap scripts: what a bootstrap run installs. */
export function bootstrapPackages(scriptsDir: string): string[] {
  const packages = new Set<string>();
  for (const file of fs.readdirSync(scriptsDir).filter((f) => f.endsWith(".sh"))) {
    for (const line of fs.readFileSync(path.join(scriptsDir, file), "utf8").split("\n")) {
      const match = /^\s*ensure_packages\s+(.+)$/.exec(line);
      if (match) match[1].split(/\s+/).forEach((p) => packages.add(p));
    }
  }
  return [...packages].sort();
}

/** The main archive this machine installs from (its security archive has no base system). */
function debianMirror(): string {
  const sources = "/etc/apt/sources.list.d/debian.sources";
  if (fs.existsSync(sources)) {
    for (const stanza of fs.readFileSync(sources, "utf8").split(/\n\s*\n/)) {
      const uri = /^URIs:\s*(\S+)/m.exec(stanza)?.[1];
      if (uri && !uri.includes("security")) return uri;
    }
  }
  return "http://deb.debian.org/debian";
}

/** The cached base system of a Debian suite with these packages, built first if needed (about a minute). */
export function cachedRootfs(suite: string, packages: readonly string[]): string {
  requireProgram("debootstrap", "debootstrap");
  const mirror = debianMirror();
  const key = crypto
    .createHash("sha256")
    .update(JSON.stringify([suite, mirror, packages]))
    .digest("hex")
    .slice(0, 16);
  const done = path.join(CACHE_DIR, key);
  if (fs.existsSync(path.join(done, "etc/debian_version"))) return done;

  fs.mkdirSync(CACHE_DIR, { recursive: true });
  const building = `${done}.building-${process.pid}`;
  fs.rmSync(building, { recursive: true, force: true });
  run("debootstrap", ["--variant=minbase", suite, building, mirror], { stdio: "ignore" });
  // Package scripts must not start services: they would start on this machine (sshd on its port 22).
  fs.writeFileSync(path.join(building, "usr/sbin/policy-rc.d"), "#!/bin/sh\nexit 101\n", { mode: 0o755 });
  fs.writeFileSync(path.join(building, "etc/hosts"), "127.0.0.1 localhost\n::1 localhost\n");
  fs.copyFileSync("/etc/resolv.conf", path.join(building, "etc/resolv.conf"));
  withMounts(building, () =>
    run(
      "chroot",
      [building, "apt-get", "install", "-y", "-q", "-d", "--no-install-recommends", ...packages],
      {
        stdio: "ignore",
        env: { PATH: "/usr/sbin:/usr/bin:/sbin:/bin", DEBIAN_FRONTEND: "noninteractive" },
      },
    ),
  );
  try {
    fs.renameSync(building, done);
  } catch (error) {
    // Another test process finished the same rootfs first: use theirs.
    if (!fs.existsSync(path.join(done, "etc/debian_version"))) throw error;
    fs.rmSync(building, { recursive: true, force: true });
  }
  return done;
}

function withMounts<T>(root: string, body: () => T): T {
  run("mount", ["--bind", "/proc", path.join(root, "proc")]);
  try {
    return body();
  } finally {
    run("umount", [path.join(root, "proc")]);
  }
}

/** A writable copy of a cached rootfs (an overlay) with /proc, and its clean-up. debootstrap made /dev. */
export class ScratchRoot {
  readonly root: string;
  private readonly dir: string;
  private readonly mounts: string[] = [];

  constructor(lower: string) {
    this.dir = fs.mkdtempSync(path.join(os.tmpdir(), "failmap-bootstrap-"));
    this.root = path.join(this.dir, "root");
    for (const d of ["upper", "work", "root"]) fs.mkdirSync(path.join(this.dir, d));
    this.mount(
      [
        "-t",
        "overlay",
        "overlay",
        "-o",
        `lowerdir=${lower},upperdir=${this.dir}/upper,workdir=${this.dir}/work`,
      ],
      this.root,
    );
    this.mount(["--bind", "/proc"], path.join(this.root, "proc"));
  }

  /** The path of a file inside the rootfs. */
  file(inside: string): string {
    return path.join(this.root, inside);
  }

  /** Runs a command inside the rootfs as root. */
  chroot(args: readonly string[], options: ExecFileSyncOptions = {}): string {
    return run("chroot", [this.root, ...args], {
      env: {
        PATH: "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
        LANG: "C.UTF-8",
        HOME: "/root",
      },
      stdio: ["ignore", "pipe", "pipe"],
      ...options,
    });
  }

  cleanUp(): void {
    for (const target of this.mounts.reverse()) {
      try {
        run("umount", [target]);
      } catch {
        run("umount", ["-l", target]);
      }
    }
    fs.rmSync(this.dir, { recursive: true, force: true });
  }

  private mount(args: string[], target: string): void {
    fs.mkdirSync(target, { recursive: true });
    run("mount", [...args, target]);
    this.mounts.push(target);
  }
}
