import type { ExecFileSyncOptions } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { cachedDebianRootfs, run } from "../../../rehearsal/images/debian-rootfs";

/*
 * A real Debian to run the bootstrap in: debootstrap --variant=minbase, cached between runs, with the
 * packages the bootstrap installs already downloaded (not installed: the bootstrap installs them itself).
 * Each test gets a writable overlay on top, so the cache stays pristine and a run starts from scratch.
 * Commands in it run with no route out (a network namespace of their own), as a rehearsal server's
 * bootstrap does: the test never reaches the Debian mirror, and the bootstrap's apt-get update fails at once
 * and installs from the downloaded packages. With this machine's network, whose DNS did not answer, each
 * apt-get update waited 31 s (load 21), and a first bootstrap runs seven; with none, 2.5 s.
 */

/** apt's retries would only wait for a network that is not there (9.4 s an apt-get update with them). */
const NO_RETRIES = 'Acquire::Retries "0";\n';

export { run } from "../../../rehearsal/images/debian-rootfs";
export { bootstrapPackages } from "../../../rehearsal/machines/server-image";

/** The cached base system of a Debian suite with these packages downloaded, built first if needed. */
export function cachedRootfs(suite: string, packages: readonly string[]): string {
  return cachedDebianRootfs({ suite, download: packages });
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
    fs.writeFileSync(this.file("/etc/apt/apt.conf.d/00failmap-test-offline"), NO_RETRIES);
  }

  /** The path of a file inside the rootfs. */
  file(inside: string): string {
    return path.join(this.root, inside);
  }

  /**
   * Runs a command inside the rootfs as root, in a network namespace of its own (loopback only, down). With
   * `seconds`, coreutils' timeout kills it and everything it started once they have passed (exit status 124).
   */
  chroot(args: readonly string[], options: ExecFileSyncOptions = {}, seconds?: number): string {
    const command = ["unshare", "--net", "chroot", this.root, ...args];
    const limited = seconds ? ["timeout", "--kill-after=10", String(seconds), ...command] : command;
    return run(limited[0], limited.slice(1), {
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
