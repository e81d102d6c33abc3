import { ValidateBinaryVersion } from "cdktf/lib/validations/validate-binary-version";

/**
 * cdktf's DataResource (terraform_data) checks that this machine's Terraform is recent enough by running
 * `terraform version` in a shell, once for every such resource on every synth: five processes a stack, 500
 * for 100 organisations, and a third of a synth's time (bench/synth/RESULTS.md). The answer cannot change
 * during one synth, so each distinct check (command, version range) runs once per process and every resource
 * that asks gets its answer: the check itself, and its message, stay cdktf's.
 */
export function checkBinaryVersionsOnce(): void {
  const validate = ValidateBinaryVersion.prototype.validate;
  const answers = new Map<string, string[]>();
  ValidateBinaryVersion.prototype.validate = function (this: ValidateBinaryVersion): string[] {
    const check = JSON.stringify(this);
    const answer = answers.get(check) ?? validate.call(this);
    answers.set(check, answer);
    return answer;
  };
}
