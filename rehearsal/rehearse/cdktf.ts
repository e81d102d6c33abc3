import { spawn } from "node:child_process";
import fs from "node:fs";
import { repositoryRoot } from "../../constructs/bootstrap/script-files";
import { stackName } from "../../config/model/names";

export interface CommandResult {
  readonly code: number;
  readonly output: string;
  readonly seconds: number;
}

/**
 * Runs a command of the operator's side (cdktf, terraform, npm run state) as the operator would, with one
 * difference: in a mount namespace of its own where the run's hosts file is bind-mounted over /etc/hosts, so
 * the servers' names resolve through the system resolver (the FQDN wait's `getent`, ssh for the docker
 * provider and the bootstrap). The file is rewritten in place as servers come and go, which the bind mount
 * sees. (unshare is util-linux's, an Essential package.) Output goes to `logFile` and, with `echo`, to this process's stdout too.
 */
export function runWithHosts(
  hostsFile: string,
  command: readonly string[],
  env: NodeJS.ProcessEnv,
  logFile: string,
  options: { echo?: boolean; cwd?: string } = {},
): Promise<CommandResult> {
  const started = Date.now();
  const log = fs.createWriteStream(logFile, { flags: "a" });
  log.write(`$ ${command.join(" ")}\n`);
  const child = spawn(
    "unshare",
    [
      "-m",
      "--propagation",
      "private",
      "--",
      "sh",
      "-c",
      'mount --bind "$0" /etc/hosts && exec "$@"',
      hostsFile,
      ...command,
    ],
    { cwd: options.cwd ?? repositoryRoot(), env, stdio: ["ignore", "pipe", "pipe"] },
  );
  let output = "";
  const take = (chunk: Buffer) => {
    output += chunk.toString();
    log.write(chunk);
    if (options.echo) process.stdout.write(chunk);
  };
  child.stdout.on("data", take);
  child.stderr.on("data", take);
  return new Promise((resolve, reject) => {
    child.on("error", reject);
    child.on("close", (code) => {
      log.end();
      resolve({ code: code ?? 1, output, seconds: (Date.now() - started) / 1000 });
    });
  });
}

/** `npx cdktf <verb> org-<name> ...` with the run's output folder (cdktf.out of the project stays untouched). */
export function cdktfCommand(
  verb: string,
  organisation: string,
  outDir: string,
  extra: readonly string[] = [],
): string[] {
  return [
    "npx",
    "cdktf",
    verb,
    stackName(organisation),
    "--output",
    outDir,
    "--skip-provider-lock",
    ...extra,
  ];
}
