import { spawnSync } from "node:child_process";

export interface TerraformRun {
  readonly status: number;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * The Terraform CLI to run: `TERRAFORM_BINARY_NAME`, the variable cdktf itself reads (e.g. `tofu` for
 * OpenTofu), else `terraform`. ops/ci/scheduled-apply.sh reads the same variable.
 */
export function terraformBinary(env: NodeJS.ProcessEnv = process.env): string {
  return env.TERRAFORM_BINARY_NAME || "terraform";
}

/** What to do when the CLI is not on the PATH. */
export function missingTerraform(env: NodeJS.ProcessEnv = process.env): string {
  const binary = terraformBinary(env);
  return binary === "terraform"
    ? "terraform is not installed or not on the PATH: install it with `sudo ops/ci/install-terraform.sh`, " +
        "or use OpenTofu with TERRAFORM_BINARY_NAME=tofu"
    : `${binary} (TERRAFORM_BINARY_NAME) is not installed or not on the PATH: install it, or unset ` +
        "TERRAFORM_BINARY_NAME to use terraform";
}

/** Runs the Terraform CLI and reports how it went; only a missing CLI is thrown. */
export function runTerraform(
  args: readonly string[],
  cwd: string,
  env: NodeJS.ProcessEnv = process.env,
): TerraformRun {
  const run = spawnSync(terraformBinary(env), args, {
    cwd,
    env: { ...env, TF_IN_AUTOMATION: "1", CHECKPOINT_DISABLE: "1" },
    encoding: "utf8",
    maxBuffer: 256 * 1024 * 1024,
  });
  if (run.error && (run.error as NodeJS.ErrnoException).code === "ENOENT")
    throw new Error(missingTerraform(env));
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
  return `${terraformBinary()} ${args.join(" ")} failed (exit ${run.status}):\n${run.stderr.trim() || run.stdout.trim()}`;
}
