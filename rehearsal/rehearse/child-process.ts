import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";

/** A long-running program of the local cloud, its output in a log file; `stop` ends it and waits. */
export interface Daemon {
  readonly name: string;
  readonly process: ChildProcess;
  stop(): Promise<void>;
}

export function startDaemon(
  name: string,
  command: string,
  args: readonly string[],
  logFile: string,
  env: NodeJS.ProcessEnv = process.env,
): Daemon {
  const log = fs.openSync(logFile, "a");
  const child = spawn(command, args, { stdio: ["ignore", log, log], env });
  fs.closeSync(log);
  return {
    name,
    process: child,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((resolve) => child.once("exit", resolve));
      child.kill("SIGTERM");
      await exited;
    },
  };
}

/** Retries `probe` until it resolves, failing with the daemon's log tail when it exits or time runs out. */
export async function waitUntilReady(
  daemon: Daemon,
  logFile: string,
  probe: () => Promise<unknown>,
  timeoutMs = 30_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastError = "";
  for (;;) {
    if (daemon.process.exitCode !== null) lastError = `exited with ${daemon.process.exitCode}`;
    else {
      try {
        await probe();
        return;
      } catch (error) {
        lastError = (error as Error).message;
      }
    }
    if (daemon.process.exitCode !== null || Date.now() > deadline) {
      const tail = fs.readFileSync(logFile, "utf8").split("\n").slice(-15).join("\n");
      throw new Error(`${daemon.name} is not ready (${lastError}); ${logFile} ends:\n${tail}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}
