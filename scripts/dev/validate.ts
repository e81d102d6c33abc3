// Synthesizes every organisation, then runs `terraform init` and `terraform validate` on each stack in
// cdktf.out/stacks/ with the provider plugins `npm run providers` builds and finds. Errors and warnings fail it:
//   npm run validate
import { spawnSync } from "node:child_process";
import { readdirSync } from "node:fs";
import path from "node:path";
import { PROJECT_ROOT } from "../../ops/organisations/select";
import { describeMissing, foundTypes, preparePlugins } from "../../ops/providers/installation";
import {
  describeProjected,
  prepareStack,
  terraformEnv,
  validateStack,
} from "../../ops/terraform/check-stack";

const installation = (() => {
  try {
    return preparePlugins((line) => console.error(line));
  } catch (error) {
    // A bad FAILMAP_PROVIDER_MIRROR or a missing Go: the message says what to do.
    console.error((error as Error).message);
    process.exit(1);
  }
})();
const missing = describeMissing(installation);
if (missing) console.error(`${missing}; their blocks are checked as terraform_data (PARTIAL below)`);

const synth = spawnSync("npx", ["cdktf", "synth"], {
  cwd: PROJECT_ROOT,
  env: terraformEnv({ CHECKPOINT_DISABLE: "1" }),
  stdio: ["ignore", "ignore", "inherit"],
});
if (synth.status !== 0) process.exit(synth.status ?? 1);

const stacksDir = path.join(PROJECT_ROOT, "cdktf.out", "stacks");
const available = foundTypes(installation);
let failed = 0;
for (const stack of readdirSync(stacksDir).sort()) {
  const check = prepareStack(
    path.join(stacksDir, stack),
    path.join(PROJECT_ROOT, "cdktf.out", "validate", stack),
    available,
  );
  try {
    validateStack(check);
    const partial =
      check.missingProviders.length > 0
        ? ` — PARTIAL: ${describeProjected(check)} missing, so ${check.projected.length} of their blocks were ` +
          "checked as terraform_data (expressions, references, cycles; not their provider's own rules)"
        : "";
    console.log(`${stack}: valid${partial}`);
  } catch (error) {
    failed += 1;
    console.error((error as Error).message);
  }
}
process.exitCode = failed > 0 ? 1 : 0;
