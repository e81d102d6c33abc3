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
  const timed = timedLog(logFile.replace(/(\.log)?$/, ".timed.log"), started);
  let output = "";
  const take = (chunk: Buffer) => {
    output += chunk.toString();
    log.write(chunk);
    timed.write(chunk.toString());
    if (options.echo) process.stdout.write(chunk);
  };
  child.stdout.on("data", take);
  child.stderr.on("data", take);
  return new Promise((resolve, reject) => {
    child.on("error", reject);
    child.on("close", (code) => {
      log.end();
      timed.end();
      resolve({ code: code ?? 1, output, seconds: (Date.now() - started) / 1000 });
    });
  });
}

/**
 * The same output with the seconds since the start before each line (`+123.4 Creation complete ...`): where a
 * deploy spends its time, which Terraform's own lines say only per resource.
 */
function timedLog(file: string, started: number): { write: (text: string) => void; end: () => void } {
  const out = fs.createWriteStream(file, { flags: "a" });
  let atLineStart = true;
  return {
    write: (text) => {
      for (const piece of text.split(/(?<=\n)/)) {
        if (atLineStart) out.write(`+${((Date.now() - started) / 1000).toFixed(1)} `);
        out.write(piece);
        atLineStart = piece.endsWith("\n");
      }
    },
    end: () => out.end(),
  };
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
