import { execFileSync, type ExecFileSyncOptions } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { requireProgram } from "../../ops/system/programs";

/*
 * Debian root filesystems built with debootstrap --variant=minbase, cached between runs under
 * /var/tmp/failmap-rehearsal/rootfs/<key>, where the key is the recipe: suite, mirror, packages and the
 * finishing step. One builder for every Debian tree the project runs: the bootstrap test's chroot, the
 * rehearsal's server image and the container images of the local registry.
 */

export const REHEARSAL_CACHE = "/var/tmp/failmap-rehearsal";
const ROOTFS_CACHE = path.join(REHEARSAL_CACHE, "rootfs");
const CHROOT_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

export interface DebianRootfsRecipe {
  /** bookworm, trixie, ... */
  readonly suite: string;
  /** Installed with their dependencies (no recommends). */
  readonly install?: readonly string[];
  /** Only downloaded into the apt cache, to be installed later with no route out. */
  readonly download?: readonly string[];
  /**
   * The last touches, in the finished tree, as root on this machine. Its source text is part of the cache key;
   * so is `finishInputs`, for what it reads from elsewhere (file contents, constants).
   */
  readonly finish?: (root: string) => void;
  readonly finishInputs?: readonly string[];
}

export function run(command: string, args: readonly string[], options: ExecFileSyncOptions = {}): string {
  return execFileSync(command, args, { encoding: "utf8", maxBuffer: 64 * 1024 * 1024, ...options }) as string;
}

/** Runs a command inside a root filesystem as root, with /proc mounted for package scripts. */
export function inChroot(root: string, args: readonly string[], options: ExecFileSyncOptions = {}): string {
  const proc = path.join(root, "proc");
  run("mount", ["--bind", "/proc", proc]);
  try {
    return run("chroot", [root, ...args], {
      env: { PATH: CHROOT_PATH, LANG: "C.UTF-8", HOME: "/root", DEBIAN_FRONTEND: "noninteractive" },
      stdio: ["ignore", "pipe", "pipe"],
      ...options,
    });
  } finally {
    // Lazily: a mount namespace made at this moment (another rehearsal's `unshare -m`, a booting machine)
    // can hold the mount for a while, and a plain umount then fails "target is busy", leaving /proc mounted
    // in the tree, which then cannot be removed (seen with two rehearsals side by side).
    run("umount", ["--lazy", proc]);
  }
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
  throw new Error(
    `no Debian archive found in ${sources}: debootstrap needs the archive this machine installs from`,
  );
}

/** The cache key of what goes into a tree: any change builds a new one. */
function cacheKey(parts: unknown): string {
  return crypto.createHash("sha256").update(JSON.stringify(parts)).digest("hex").slice(0, 16);
}

/**
 * The cached tree of a recipe, built first if needed. Three layers, so that recipes share the debootstrap
 * (half a minute) and a change to the finishing step costs a copy (seconds), not the downloads.
 */
export function cachedDebianRootfs(recipe: DebianRootfsRecipe): string {
  requireProgram("debootstrap", "debootstrap");
  const mirror = debianMirror();
  const baseKey = cacheKey([recipe.suite, mirror]);
  const base = cachedTree(baseKey, (building) => {
    run("debootstrap", ["--variant=minbase", recipe.suite, building, mirror], { stdio: "ignore" });
    // Package scripts must not start services: they would start on this machine (sshd on its port 22).
    fs.writeFileSync(path.join(building, "usr/sbin/policy-rc.d"), "#!/bin/sh\nexit 101\n", { mode: 0o755 });
    fs.writeFileSync(path.join(building, "etc/hosts"), "127.0.0.1 localhost\n::1 localhost\n");
    fs.copyFileSync("/etc/resolv.conf", path.join(building, "etc/resolv.conf"));
  });
  const packagesKey = cacheKey([baseKey, recipe.install ?? [], recipe.download ?? []]);
  const packages = cachedTree(packagesKey, (building) => {
    run("cp", ["-a", "--reflink=auto", base, building]);
    const apt = ["apt-get", "install", "-y", "-q", "--no-install-recommends"];
    if (recipe.install?.length) inChroot(building, [...apt, ...recipe.install]);
    if (recipe.download?.length) inChroot(building, [...apt, "-d", ...recipe.download]);
  });
  const finish = recipe.finish;
  if (!finish) return packages;
  return cachedTree(cacheKey([packagesKey, finish.toString(), recipe.finishInputs ?? []]), (building) => {
    run("cp", ["-a", "--reflink=auto", packages, building]);
    finish(building);
  });
}

/** ROOTFS_CACHE/<key>, made by `build` in a scratch directory first so that a half-built tree is never used. */
function cachedTree(key: string, build: (building: string) => void): string {
  const done = path.join(ROOTFS_CACHE, key);
  if (fs.existsSync(path.join(done, "etc/debian_version"))) return done;
  fs.mkdirSync(ROOTFS_CACHE, { recursive: true });
  const building = `${done}.building-${process.pid}`;
  fs.rmSync(building, { recursive: true, force: true });
  try {
    build(building);
  } catch (error) {
    fs.rmSync(building, { recursive: true, force: true });
    throw error;
  }
  try {
    fs.renameSync(building, done);
  } catch (error) {
    // Another process finished the same tree first: use theirs.
    if (!fs.existsSync(path.join(done, "etc/debian_version"))) throw error;
    fs.rmSync(building, { recursive: true, force: true });
  }
  return done;
}
