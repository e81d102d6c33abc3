import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { connect } from "node:net";

/** `nginx -t` on a config directory laid out by the renderer. */
export function testConfig(dir: string): { ok: boolean; output: string } {
  const result = spawnSync("nginx", ["-t", "-p", dir, "-c", `${dir}/nginx.conf`], { encoding: "utf8" });
  return { ok: result.status === 0, output: `${result.stdout}${result.stderr}` };
}

/** The real nginx in the foreground on a rendered config; `stop` shuts it down and waits for it. */
export class NginxProcess {
  private constructor(
    private readonly child: ChildProcess,
    private readonly output: string[],
  ) {}

  static async start(dir: string, readyPort: number): Promise<NginxProcess> {
    const child = spawn("nginx", ["-p", dir, "-c", `${dir}/nginx.conf`, "-g", "daemon off;"], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    const output: string[] = [];
    child.stdout?.on("data", (chunk) => output.push(String(chunk)));
    child.stderr?.on("data", (chunk) => output.push(String(chunk)));
    const nginx = new NginxProcess(child, output);
    for (let attempt = 0; attempt < 100; attempt++) {
      if (child.exitCode !== null) break;
      if (await accepts(readyPort)) return nginx;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    await nginx.stop();
    throw new Error(`nginx did not start:\n${output.join("")}`);
  }

  /** What nginx wrote to stdout and stderr. */
  log(): string {
    return this.output.join("");
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = new Promise((resolve) => this.child.once("exit", resolve));
    this.child.kill("SIGTERM");
    await exited;
  }
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, "127.0.0.1");
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
  });
}
