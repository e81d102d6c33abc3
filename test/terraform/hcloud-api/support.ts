import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import { repositoryRoot } from "../../../constructs/bootstrap/script-files";

export interface ApiProcess {
  readonly endpoint: string;
  readonly token: string;
  /** GET on the API with its token; for the debug view under /__rehearsal/. */
  get(pathOnServer: string): Promise<any>;
  stop(): Promise<void>;
}

/** The local Hetzner API as operators run it: `rehearsal/hcloud-api/main.ts` in a process of its own. */
export async function startApiProcess(args: readonly string[]): Promise<ApiProcess> {
  const root = repositoryRoot();
  const child = spawn(path.join(root, "node_modules/.bin/tsx"), ["rehearsal/hcloud-api/main.ts", ...args], {
    cwd: root,
    stdio: ["ignore", "pipe", "pipe"],
  });
  const printed = await firstLines(child, 2);
  const value = (name: string) => printed.find((l) => l.startsWith(`${name}=`))!.slice(name.length + 1);
  const endpoint = value("HCLOUD_ENDPOINT");
  const token = value("HCLOUD_TOKEN");
  return {
    endpoint,
    token,
    async get(pathOnServer) {
      const response = await fetch(new URL(pathOnServer, endpoint), {
        headers: { Authorization: `Bearer ${token}` },
      });
      return response.json();
    },
    stop: () =>
      new Promise((resolve) => {
        child.once("exit", () => resolve());
        child.kill("SIGTERM");
      }),
  };
}

function firstLines(child: ChildProcess, count: number): Promise<string[]> {
  return new Promise((resolve, reject) => {
    let out = "";
    let err = "";
    const timer = setTimeout(
      () => reject(new Error(`the local Hetzner API did not start in 20 s:\n${err}`)),
      20_000,
    );
    child.stderr!.on("data", (chunk) => (err += chunk));
    child.stdout!.on("data", (chunk) => {
      out += chunk;
      const lines = out.split("\n");
      if (lines.length > count) {
        clearTimeout(timer);
        resolve(lines.slice(0, count));
      }
    });
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`the local Hetzner API exited (${code}):\n${err}`));
    });
  });
}
