import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { repositoryRoot } from "../../../constructs/bootstrap/script-files";
import { CLI_CONFIG, pluginPath, renderCliConfig } from "../../../ops/providers/mirror";
import { PROVIDER_PLUGINS } from "../../../ops/providers/catalogue";

const HCLOUD = PROVIDER_PLUGINS.find((p) => p.type === "hcloud")!;

export interface ProviderMirror {
  /** For TF_CLI_CONFIG_FILE: installs from the mirror only. */
  readonly cliConfig: string;
  /** Removes the temporary mirror, if one was made. */
  remove(): void;
}

/**
 * Where Terraform finds the real hcloud provider: `HCLOUD_PROVIDER_BINARY` (a built terraform-provider-hcloud,
 * put into a temporary mirror), else the project's mirror that `npm run providers` builds. Missing, it throws
 * at once with the command that builds it: a Terraform test never passes by skipping.
 */
export function hcloudProviderMirror(): ProviderMirror {
  const binary = process.env.HCLOUD_PROVIDER_BINARY;
  if (binary) {
    if (!existsSync(binary)) throw new Error(`HCLOUD_PROVIDER_BINARY=${binary} does not exist`);
    const mirror = mkdtempSync(path.join(os.tmpdir(), "hcloud-mirror-"));
    const plugin = pluginPath(HCLOUD, mirror);
    mkdirSync(path.dirname(plugin), { recursive: true });
    symlinkSync(path.resolve(binary), plugin);
    const cliConfig = path.join(mirror, "terraform.rc");
    writeFileSync(cliConfig, renderCliConfig(mirror));
    return { cliConfig, remove: () => rmSync(mirror, { recursive: true, force: true }) };
  }
  if (!existsSync(pluginPath(HCLOUD)) || !existsSync(CLI_CONFIG)) {
    throw new Error(
      `the hcloud provider plugin ${HCLOUD.version} is not built (${pluginPath(HCLOUD)} is missing): run ` +
        "`npm run providers`, or point HCLOUD_PROVIDER_BINARY at a terraform-provider-hcloud binary",
    );
  }
  return { cliConfig: CLI_CONFIG, remove: () => {} };
}

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

/** A fresh working directory holding one Terraform configuration. */
export function workdir(config: object): { dir: string; remove(): void } {
  const dir = mkdtempSync(path.join(os.tmpdir(), "hcloud-api-tf-"));
  writeFileSync(path.join(dir, "main.tf.json"), JSON.stringify(config, null, 2));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
