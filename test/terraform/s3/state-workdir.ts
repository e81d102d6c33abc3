import { spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { runTerraform, terraformBinary, type TerraformRun } from "../../../ops/state/terraform";
import { s3BackendBlock } from "../../../stacks/backend-settings";

export interface StateWorkdirOptions {
  readonly endpoint: string;
  readonly bucket: string;
  readonly key: string;
  /** The CA that issued the local S3's certificate; Terraform's AWS SDK trusts it through AWS_CA_BUNDLE. */
  readonly caFile: string;
  readonly credentials: { readonly accessKeyId: string; readonly secretAccessKey: string };
}

export interface BackgroundRun {
  /** Kills the run and everything it started (its provisioners), as a crash or `kill -9` would. */
  kill(): void;
  readonly finished: Promise<TerraformRun>;
}

/**
 * A Terraform working directory that holds only the s3 backend block the stacks synthesize
 * (stacks/backend-settings.ts) and `terraform_data` resources, which are built into Terraform: no provider
 * plugin is needed. `terraform_data.hold` is replaced whenever `-var hold=<new value>` changes, and its
 * provisioner then sleeps `-var hold_seconds=N` with the state lock held.
 */
export class StateWorkdir {
  private readonly baseEnv: NodeJS.ProcessEnv;

  constructor(
    readonly dir: string,
    options: StateWorkdirOptions,
  ) {
    fs.mkdirSync(dir, { recursive: true });
    const cliConfig = path.join(dir, "terraform.rc");
    fs.writeFileSync(cliConfig, "disable_checkpoint = true\n");
    const config = {
      terraform: {
        backend: {
          s3: s3BackendBlock({ kind: "s3", ...options, region: "fsn1", endpoint: options.endpoint }),
        },
      },
      variable: { hold: { type: "string", default: "" }, hold_seconds: { type: "number", default: 0 } },
      resource: {
        terraform_data: {
          kept: { input: "kept in the local S3" },
          hold: {
            triggers_replace: "${var.hold}",
            provisioner: [{ "local-exec": { command: "sleep ${var.hold_seconds}" } }],
          },
        },
      },
    };
    fs.writeFileSync(path.join(dir, "main.tf.json"), JSON.stringify(config, null, 2));
    const inherited = Object.fromEntries(
      Object.entries(process.env).filter(([name]) => !name.startsWith("AWS_")),
    );
    this.baseEnv = {
      ...inherited,
      TF_CLI_CONFIG_FILE: cliConfig,
      TF_INPUT: "0",
      AWS_CA_BUNDLE: options.caFile,
      AWS_ACCESS_KEY_ID: options.credentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: options.credentials.secretAccessKey,
    };
  }

  /** Runs terraform to the end; `env` overrides, e.g. another access key. */
  run(args: readonly string[], env: NodeJS.ProcessEnv = {}): TerraformRun {
    return runTerraform([...args, "-no-color"], this.dir, { ...this.baseEnv, ...env });
  }

  /** An apply that replaces terraform_data.hold (when `hold` is new) and keeps the lock for `seconds`. */
  applyHoldingLock(hold: string, seconds: number): BackgroundRun {
    return this.start([
      "apply",
      "-auto-approve",
      "-input=false",
      "-var",
      `hold=${hold}`,
      "-var",
      `hold_seconds=${seconds}`,
    ]);
  }

  /** Starts terraform in a process group of its own, so that kill() also ends its provisioners. */
  start(args: readonly string[]): BackgroundRun {
    const env = { ...this.baseEnv, TF_IN_AUTOMATION: "1", CHECKPOINT_DISABLE: "1" };
    const child = spawn(terraformBinary(env), [...args, "-no-color"], { cwd: this.dir, env, detached: true });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    const finished = new Promise<TerraformRun>((resolve, reject) => {
      child.once("error", reject);
      child.once("close", (code) => resolve({ status: code ?? 1, stdout, stderr }));
    });
    return {
      kill: () => {
        if (child.pid !== undefined && child.exitCode === null) process.kill(-child.pid, "SIGKILL");
      },
      finished,
    };
  }
}
