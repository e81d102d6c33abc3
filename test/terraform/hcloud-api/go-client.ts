import { spawn, spawnSync } from "node:child_process";
import path from "node:path";

/** The Go program in ./client: hcloud-go, pinned to the version the hcloud provider 1.64.0 is built with. */
const CLIENT_DIR = path.join(__dirname, "client");

export interface ClientRun {
  readonly status: number | null;
  /** One object per step the program ran, in order; the last one says `unexpected` if it stopped early. */
  readonly steps: any[];
  readonly stderr: string;
}

/**
 * Fails at once, naming what to install, when Go is missing: without it the client cannot be built, and the
 * test must not pass by skipping.
 */
export function requireGo(): void {
  const run = spawnSync("go", ["version"], { encoding: "utf8" });
  if (run.error || run.status !== 0) {
    throw new Error(
      "Go is needed to build the hcloud-go client and is not on the PATH: install Go 1.25 or newer " +
        "(scripts/dev/preflight.sh --install puts the go.dev tarball in /usr/local/go)",
    );
  }
}

/**
 * `go run` of the client against `endpoint`, with the scenario's inputs on stdin. Asynchronous, so that an API
 * served from this process keeps answering while it runs. Go keeps its module and build caches where it always
 * does (GOMODCACHE, GOCACHE), so only the first run downloads and compiles.
 */
export function runGoClient(endpoint: string, token: string, inputs: object): Promise<ClientRun> {
  return new Promise((resolve, reject) => {
    const child = spawn("go", ["run", "."], {
      cwd: CLIENT_DIR,
      env: { ...process.env, HCLOUD_ENDPOINT: endpoint, HCLOUD_TOKEN: token },
      stdio: ["pipe", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk) => (stdout += chunk));
    child.stderr.on("data", (chunk) => (stderr += chunk));
    child.once("error", reject);
    child.once("close", (status) => {
      const lines = stdout.split("\n").filter((line) => line.trim() !== "");
      resolve({ status, steps: lines.map((line) => JSON.parse(line)), stderr });
    });
    child.stdin.end(JSON.stringify(inputs));
  });
}
