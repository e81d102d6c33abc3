import path from "node:path";
import { prepareStack, validateStack } from "../../ops/terraform/check-stack";
import { EXAMPLES, ensureMirror, synthToDir } from "./stacks";

/*
 * Terraform itself reads every example stack: `init` with the plugins from the local mirror and `validate`.
 * Blocks of providers whose plugins cannot be built here are checked as terraform_data (projection.ts), so
 * every expression, function call, reference and the dependency graph still pass through real Terraform.
 */
beforeAll(ensureMirror, 10 * 60_000);

describe.each(EXAMPLES)("org-%s", (_name, organisation) => {
  it("passes terraform validate", () => {
    const stackDir = synthToDir(organisation);
    const check = prepareStack(stackDir, path.join(path.dirname(stackDir), "validate"));
    expect(() => validateStack(check)).not.toThrow();
  }, 120_000);
});
