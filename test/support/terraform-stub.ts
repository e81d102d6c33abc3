import fs from "node:fs";
import path from "node:path";

export interface TerraformStub {
  /** The stub's path: give it as TERRAFORM_BINARY_NAME. */
  readonly binary: string;
  /** The arguments of every call so far, one line a call. */
  calls(): string[];
}

/**
 * A `terraform` in `dir` that answers `version` as Terraform 1.11.4 and fails every other command, so that a
 * cdktf command stops after its synth. It logs each call.
 */
export function terraformStub(dir: string): TerraformStub {
  const binary = path.join(dir, "terraform");
  const log = path.join(dir, "terraform.log");
  fs.writeFileSync(
    binary,
    `#!/bin/sh\nprintf '%s\\n' "$*" >> '${log}'\n[ "$1" = version ] || exit 1\necho 'Terraform v1.11.4'\n`,
    { mode: 0o755 },
  );
  return {
    binary,
    calls: () => (fs.existsSync(log) ? fs.readFileSync(log, "utf8").trim().split("\n") : []),
  };
}
