import { spawn, spawnSync, type ChildProcess } from "node:child_process";

/** Throws, naming the Debian package, when a program the test needs is missing. */
export function requireRedis(): void {
  for (const tool of ["redis-server", "redis-cli"]) {
    if (spawnSync("sh", ["-c", `command -v ${tool}`]).status !== 0) {
      throw new Error(`${tool} is not installed: apt-get install redis-server`);
    }
  }
}

/** One redis-cli call; the reply (or error) as redis-cli prints it without a terminal. */
export function cli(port: number, args: readonly string[], password?: string): string {
  const auth = password === undefined ? [] : ["--no-auth-warning", "-a", password];
  const result = spawnSync("redis-cli", ["-h", "127.0.0.1", "-p", String(port), ...auth, ...args], {
    encoding: "utf8",
    timeout: 10_000,
  });
  return `${result.stdout}${result.stderr}`.trim();
}

/** The real redis-server in the foreground; `stop` and `kill` wait until it is gone. */
export class RedisProcess {
  private constructor(
    private readonly child: ChildProcess,
    private readonly output: string[],
  ) {}

  static async start(args: readonly string[], port: number): Promise<RedisProcess> {
    const child = spawn("redis-server", [...args], { stdio: ["ignore", "pipe", "pipe"] });
    const output: string[] = [];
    child.stdout?.on("data", (chunk) => output.push(String(chunk)));
    child.stderr?.on("data", (chunk) => output.push(String(chunk)));
    const redis = new RedisProcess(child, output);
    for (let attempt = 0; attempt < 100; attempt++) {
      if (child.exitCode !== null) break;
      // Any reply, even a refusal, means the server is up and has loaded its data.
      if (/NOAUTH|PONG/.test(cli(port, ["ping"]))) return redis;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    await redis.kill();
    throw new Error(`redis-server did not start:\n${redis.log()}`);
  }

  log(): string {
    return this.output.join("");
  }

  /** As `docker stop` does it: SIGTERM, which lets redis finish writing. */
  stop(): Promise<void> {
    return this.signal("SIGTERM");
  }

  /** A crash: nothing gets written any more. */
  kill(): Promise<void> {
    return this.signal("SIGKILL");
  }

  private async signal(signal: NodeJS.Signals): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = new Promise((resolve) => this.child.once("exit", resolve));
    this.child.kill(signal);
    await exited;
  }
}
