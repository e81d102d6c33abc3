import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { PROVIDER_PLUGINS } from "../providers/catalogue";
import { CLI_CONFIG, mirroredPlugins } from "../providers/mirror";
import { failure, runTerraform } from "../state/terraform";
import { projectOntoProviders, type TerraformJson } from "./projection";

export interface StackCheck {
  readonly stack: string;
  /** The folder terraform ran in: the stack itself, or its projection. */
  readonly workdir: string;
  /** Provider local names whose plugins were missing, so their blocks were projected. */
  readonly missingProviders: readonly string[];
  readonly projected: readonly string[];
}

/** Local provider names (hcloud, tls, ...) whose plugins are in the mirror. */
export function availableProviders(): Set<string> {
  return new Set(mirroredPlugins().map((p) => p.type));
}

/**
 * Lays out a synthesized stack for terraform in `workdir`: as it is when every plugin it needs is in the
 * mirror, else projected onto the ones that are (see projection.ts).
 */
export function prepareStack(
  stackDir: string,
  workdir: string,
  available = availableProviders(),
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

/** The environment every terraform run here gets: plugins from the mirror only, no prompts. */
export function terraformEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return { ...process.env, TF_CLI_CONFIG_FILE: CLI_CONFIG, TF_INPUT: "0", ...extra };
}

/** `terraform init` (without the backend) and `terraform validate`; throws with terraform's own words. */
export function validateStack(check: StackCheck): void {
  const env = terraformEnv();
  for (const args of [
    ["init", "-backend=false", "-input=false", "-no-color"],
    ["validate", "-no-color"],
  ]) {
    const run = runTerraform(args, check.workdir, env);
    if (run.status !== 0) throw new Error(`${check.stack}: ${failure(args, run)}`);
  }
}

/** The catalogue entry for each missing provider, to say what could not be checked. */
export function describeMissing(check: StackCheck): string {
  return check.missingProviders
    .map((name) => PROVIDER_PLUGINS.find((p) => p.type === name))
    .map((p) => (p ? `${p.namespace}/${p.type} ${p.version}` : "?"))
    .join(", ");
}
