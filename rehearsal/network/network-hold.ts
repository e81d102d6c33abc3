import { spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { REHEARSAL_CACHE } from "../images/debian-rootfs";

const LOCKS = path.join(REHEARSAL_CACHE, "locks");

export interface Hold {
  readonly release: () => void;
}

/**
 * Holds the rehearsal network `prefix` for this process until `release` is called, waiting while another process
 * holds it. Two runs on one network share its bridge, addresses, registry storage and machine names, and each
 * removes what an interrupted run left on it first; so test files on one network take turns, whatever jest's
 * workers do, while files on other networks run beside them.
 */
export function holdNetwork(prefix: string, waiting: (line: string) => void = () => {}): Promise<Hold> {
  return hold(prefix, `network ${prefix}`, waiting);
}

/**
 * Holds the lock `name` (one of /var/tmp/failmap-rehearsal/locks) for this process until `release`, waiting
 * while another process holds it; `waiting` is told so, naming `what`, when it has to wait.
 *
 * flock(1) holds the lock while its `cat` reads this process's pipe: when this process ends, however it ends,
 * the pipe closes and the lock is free again. No stale lock file to clean up.
 */
export async function hold(
  name: string,
  what: string,
  waiting: (line: string) => void = () => {},
): Promise<Hold> {
  fs.mkdirSync(LOCKS, { recursive: true });
  const lock = path.join(LOCKS, `${name}.lock`);
  const holder = spawn("flock", ["--exclusive", lock, "sh", "-c", "echo held && exec cat"], {
    stdio: ["pipe", "pipe", "pipe"],
  });
  let stderr = "";
  holder.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
  const told = setTimeout(() => waiting(`${what}: waiting for another run on it (${lock})`), 2000);
  try {
    await new Promise<void>((resolve, reject) => {
      holder.stdout.once("data", () => resolve());
      holder.once("error", (e) => reject(new Error(`flock (Debian package util-linux): ${e.message}`)));
      holder.once("exit", (code) =>
        reject(new Error(`flock ${lock} ended (exit ${code}) before holding it: ${stderr}`)),
      );
    });
  } finally {
    clearTimeout(told);
  }
  return {
    release: () => {
      holder.stdin.end();
      holder.kill();
    },
  };
}
