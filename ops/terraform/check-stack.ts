import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { PROVIDER_PLUGINS, pluginName } from "../providers/catalogue";
import { CLI_CONFIG } from "../providers/installation";
import { failure, runTerraform } from "../state/terraform";
import { projectOntoProviders, type TerraformJson } from "./projection";
import { validationProblems } from "./validation";

export interface StackCheck {
  readonly stack: string;
  /** The folder terraform ran in: the stack itself, or its projection. */
  readonly workdir: string;
  /** Provider local names whose plugins were missing, so their blocks were projected. */
  readonly missingProviders: readonly string[];
  readonly projected: readonly string[];
}

/**
 * Lays out a synthesized stack for terraform in `workdir`: as it is when every plugin it needs is `available`
 * (local provider names: hcloud, tls, ...), else projected onto the ones that are (see projection.ts).
 */
export function prepareStack(
  stackDir: string,
  workdir: string,
  available: ReadonlySet<string>,
  adjust: (json: TerraformJson) => TerraformJson = (json) => json,
): StackCheck {
  const stack = JSON.parse(readFileSync(path.join(stackDir, "cdk.tf.json"), "utf8")) as TerraformJson;
  const needed = Object.keys(stack.terraform?.required_providers ?? {});
  const missingProviders = needed.filter((name) => !available.has(name));
  const { json, projected } =
    missingProviders.length > 0 ? projectOntoProviders(stack, available) : { json: stack, projected: [] };
  rmSync(workdir, { recursive: true, force: true });
  mkdirSync(workdir, { recursive: true });
  writeFileSync(path.join(workdir, "cdk.tf.json"), JSON.stringify(adjust(json), null, 2));
  return { stack: path.basename(stackDir), workdir, missingProviders, projected };
}

/** The environment every terraform run here gets: plugins as `npm run providers` found them, no prompts. */
export function terraformEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return { ...process.env, TF_CLI_CONFIG_FILE: CLI_CONFIG, TF_INPUT: "0", ...extra };
}

/**
 * `terraform init` (without the backend) and `terraform validate`; throws with terraform's own words on an
 * error, and on a warning too: each named with the stack, the block's address and its construct path.
 */
export function validateStack(check: StackCheck): void {
  const env = terraformEnv();
  const init = ["init", "-backend=false", "-input=false", "-no-color"];
  const run = runTerraform(init, check.workdir, env);
  if (run.status !== 0) throw new Error(`${check.stack}: ${failure(init, run)}`);
  const validate = ["validate", "-json", "-no-color"];
  const result = runTerraform(validate, check.workdir, env);
  const stack = JSON.parse(readFileSync(path.join(check.workdir, "cdk.tf.json"), "utf8")) as TerraformJson;
  const problems = validationProblems(result.stdout, stack);
  if (problems === undefined) throw new Error(`${check.stack}: ${failure(validate, result)}`);
  if (problems.length > 0) {
    throw new Error(problems.map((problem) => `${check.stack}: ${problem}`).join("\n"));
  }
}

/** The projected providers, named with their pinned versions, to say what could not be checked. */
export function describeProjected(check: StackCheck): string {
  return check.missingProviders
    .map((name) => PROVIDER_PLUGINS.find((p) => p.type === name))
    .map((p) => (p ? pluginName(p) : "?"))
    .join(", ");
}
