import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { s3BackendBlock, type BackendSettings } from "../../stacks/backend-settings";
import { failure, runTerraform } from "./terraform";

/**
 * A Terraform configuration holding nothing but the organisation's backend: the very block the stack
 * synthesizes, so the state read here is the state a deploy writes.
 * A relative local state path would be relative to the stack's directory, where cdktf runs terraform.
 */
export function backendOnlyConfig(settings: BackendSettings, stackDir: string): object {
  const backend =
    settings.kind === "s3"
      ? { s3: s3BackendBlock(settings) }
      : { local: { path: path.resolve(stackDir, settings.path) } };
  return { terraform: { backend } };
}

/**
 * A CLI configuration that lets terraform install no provider at all. `terraform init` wants every provider
 * the state mentions, and would download hundreds of megabytes to read a JSON file. It configures the
 * backend first, though, and that is all that `state list` and `state pull` need.
 */
function noProviderInstallation(emptyDir: string): string {
  return `provider_installation {\n  filesystem_mirror {\n    path    = ${JSON.stringify(emptyDir)}\n    include = ["*/*/*"]\n  }\n}\n`;
}

/**
 * Runs `work` in a fresh working directory whose backend is initialised, with the environment to run
 * terraform in there, and removes the directory after.
 */
export function withStateWorkdir<T>(
  settings: BackendSettings,
  stackDir: string,
  work: (dir: string, env: NodeJS.ProcessEnv) => T,
  env: NodeJS.ProcessEnv = process.env,
): T {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "failmap-state-"));
  try {
    const noProviders = path.join(dir, "no-providers");
    fs.mkdirSync(noProviders);
    fs.writeFileSync(path.join(dir, "cli.tfrc"), noProviderInstallation(noProviders));
    fs.writeFileSync(
      path.join(dir, "main.tf.json"),
      JSON.stringify(backendOnlyConfig(settings, stackDir), null, 2),
    );
    const workEnv = { ...env, TF_CLI_CONFIG_FILE: path.join(dir, "cli.tfrc") };

    const init = runTerraform(["init", "-input=false", "-no-color"], dir, workEnv);
    // Success, or the expected refusal to install the state's providers once the backend was configured.
    if (!fs.existsSync(path.join(dir, ".terraform", "terraform.tfstate"))) {
      throw new Error(failure(["init"], init));
    }
    return work(dir, workEnv);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
