import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { requirePrograms } from "./programs";

/** Debian's interpreter: the one python3-celery, python3-kombu and python3-redis install into. */
const PYTHON = "/usr/bin/python3";
const APP_DIR = path.join(__dirname, "celery");

export function requireCelery(): void {
  requirePrograms({
    [PYTHON]: "python3-celery",
    "/usr/lib/python3/dist-packages/celery": "python3-celery",
    "/usr/lib/python3/dist-packages/kombu": "python3-celery",
    "/usr/lib/python3/dist-packages/redis": "python3-redis",
    unshare: "util-linux",
  });
}

/**
 * Runs Python with `names` resolving to 127.0.0.1, as the instance domains resolve to the main server for a
 * remote worker: in a mount namespace of its own with a private /etc/hosts, so the machine's stays untouched.
 */
function inNamespace(hostsFile: string, args: readonly string[]): [string, string[]] {
  return [
    "unshare",
    ["-m", "sh", "-c", 'mount --bind "$0" /etc/hosts && exec "$@"', hostsFile, PYTHON, ...args],
  ];
}

export class CeleryClient {
  private readonly hostsFile: string;

  constructor(dir: string, names: readonly string[]) {
    this.hostsFile = path.join(dir, "hosts");
    fs.writeFileSync(this.hostsFile, `127.0.0.1 localhost ${names.join(" ")}\n`);
  }

  private env(brokerUrl: string): NodeJS.ProcessEnv {
    return { PATH: process.env.PATH, BROKER: brokerUrl, PYTHONPATH: APP_DIR, PYTHONDONTWRITEBYTECODE: "1" };
  }

  /** `python3 -m celery -A remote_worker <args>`: output and exit status. */
  celery(
    brokerUrl: string,
    args: readonly string[],
    timeoutMs = 60_000,
  ): { status: number | null; output: string } {
    const [command, argv] = inNamespace(this.hostsFile, ["-m", "celery", "-A", "remote_worker", ...args]);
    const run = spawnSync(command, argv, { env: this.env(brokerUrl), encoding: "utf8", timeout: timeoutMs });
    return { status: run.status, output: `${run.stdout}${run.stderr}` };
  }

  /**
   * A worker in the foreground, started with a container's command as the stack renders it (`celery worker
   * ...`, which the app image's entrypoint runs with its Celery app), named `name`, its output in `log`.
   */
  worker(brokerUrl: string, containerCommand: readonly string[], name: string, log: string): ChildProcess {
    const [program, subcommand, ...options] = containerCommand;
    if (program !== "celery" || subcommand !== "worker") {
      throw new Error(`not a Celery worker's command: ${JSON.stringify(containerCommand)}`);
    }
    const [command, argv] = inNamespace(this.hostsFile, [
      "-m",
      "celery",
      "-A",
      "remote_worker",
      "worker",
      ...options,
      `--hostname=${name}`,
    ]);
    const out = fs.openSync(log, "a");
    const child = spawn(command, argv, { env: this.env(brokerUrl), stdio: ["ignore", out, out] });
    fs.closeSync(out);
    return child;
  }

  /**
   * What a client library makes of the URL on its own: kombu's `Connection(url).connect()` (its redis
   * channel sends PING), or redis-py's `from_url(url).ping()`. "PONG" or the error it raised.
   */
  probe(brokerUrl: string, library: "kombu" | "redis-py"): string {
    const script =
      library === "kombu"
        ? "from kombu import Connection\nwith Connection(sys.argv[1], connect_timeout=5) as c:\n    c.connect()\n"
        : "import redis\nredis.Redis.from_url(sys.argv[1], socket_timeout=5).ping()\n";
    const program = `import sys\ntry:\n${indent(script)}    print("PONG")\nexcept Exception as e:\n    print(f"{type(e).__name__}: {e}")\n`;
    const [command, argv] = inNamespace(this.hostsFile, ["-c", program, brokerUrl]);
    const run = spawnSync(command, argv, { env: this.env(brokerUrl), encoding: "utf8", timeout: 30_000 });
    return `${run.stdout}${run.stderr}`.trim();
  }
}

function indent(code: string): string {
  return code
    .split("\n")
    .map((line) => (line ? `    ${line}` : line))
    .join("\n");
}
