import { spawnSync } from "node:child_process";

export interface TerraformRun {
  readonly status: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs the terraform CLI and reports how it went; only a missing terraform is thrown. */
export function runTerraform(
  args: readonly string[],
  cwd: string,
  env: NodeJS.ProcessEnv = process.env,
): TerraformRun {
  const run = spawnSync("terraform", args, {
    cwd,
    env: { ...env, TF_IN_AUTOMATION: "1", CHECKPOINT_DISABLE: "1" },
    encoding: "utf8",
    maxBuffer: 256 * 1024 * 1024,
  });
  if (run.error && (run.error as NodeJS.ErrnoException).code === "ENOENT") {
    throw new Error(
      "terraform is not installed or not on the PATH: install it from https://developer.hashicorp.com/terraform/install",
    );
  }
  if (run.error) throw run.error;
  return { status: run.status ?? 1, stdout: run.stdout, stderr: run.stderr };
}

/** Runs the terraform CLI and returns its standard output; a failure carries terraform's own message. */
export function terraform(
  args: readonly string[],
  cwd: string,
  env: NodeJS.ProcessEnv = process.env,
): string {
  const run = runTerraform(args, cwd, env);
  if (run.status !== 0) throw new Error(failure(args, run));
  return run.stdout;
}

export function failure(args: readonly string[], run: TerraformRun): string {
  return `terraform ${args.join(" ")} failed (exit ${run.status}):\n${run.stderr.trim() || run.stdout.trim()}`;
}
