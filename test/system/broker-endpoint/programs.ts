import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import path from "node:path";
import { requireProgram } from "../support/programs";

export const STREAM_MODULE = "/usr/lib/nginx/modules/ngx_stream_module.so";

/** Fails loudly, naming the Debian package, when a program the test needs is missing. */
export function requirePrograms(programs: Record<string, string>): void {
  for (const [program, pkg] of Object.entries(programs)) requireProgram(program, pkg);
}

/** What the endpoint tests run: nginx with its stream module, redis behind it, openssl for certificates. */
export function requireEndpointPrograms(): void {
  requirePrograms({
    nginx: "nginx",
    [STREAM_MODULE]: "libnginx-mod-stream",
    "redis-server": "redis-server",
    "redis-cli": "redis-tools",
    openssl: "openssl",
  });
}

/** A rendered endpoint config on real nginx in the foreground, once it listens on `port`. */
export async function startEndpoint(dir: string, conf: string, port: number): Promise<ChildProcess> {
  const nginx = startDaemon(
    "nginx",
    ["-p", dir, "-c", conf, "-g", "daemon off;"],
    path.join(dir, "nginx.out"),
  );
  try {
    await waitForPort(port, nginx, "nginx");
  } catch (error) {
    await stopDaemon(nginx);
    throw error;
  }
  return nginx;
}

export async function waitForPort(port: number, child: ChildProcess, what: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${what} exited with ${child.exitCode} before listening`);
    const open = await new Promise<boolean>((resolve) => {
      const socket = net.connect(port, "127.0.0.1");
      socket.once("connect", () => (socket.destroy(), resolve(true)));
      socket.once("error", () => resolve(false));
    });
    if (open) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`${what} did not listen on 127.0.0.1:${port} within 10 s`);
}

/** Starts a daemon in the foreground; its output goes to `log` so a failure can be diagnosed. */
export function startDaemon(command: string, args: string[], log: string): ChildProcess {
  const out = fs.openSync(log, "a");
  const child = spawn(command, args, { stdio: ["ignore", out, out] });
  fs.closeSync(out);
  return child;
}

export async function stopDaemon(child: ChildProcess | undefined): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once("exit", resolve));
  child.kill("SIGTERM");
  await exited;
}
