// Synthesizes every organisation, then runs `terraform init` and `terraform validate` on each stack in
// cdktf.out/stacks/ with the provider plugins from `npm run providers`:
//   npm run validate
import { spawnSync } from "node:child_process";
import { readdirSync } from "node:fs";
import path from "node:path";
import { PROJECT_ROOT } from "../../ops/organisations/select";
import { buildMirror } from "../../ops/providers/mirror";
import { describeMissing, prepareStack, validateStack } from "../../ops/terraform/check-stack";

const report = buildMirror(undefined, (line) => console.error(line));
for (const { plugin, reason } of report.unavailable) {
  console.error(`provider ${plugin.namespace}/${plugin.type} ${plugin.version} is missing: ${reason}`);
}

const synth = spawnSync("npx", ["cdktf", "synth"], {
  cwd: PROJECT_ROOT,
  env: { ...process.env, CHECKPOINT_DISABLE: "1" },
  stdio: ["ignore", "ignore", "inherit"],
});
if (synth.status !== 0) process.exit(synth.status ?? 1);

const stacksDir = path.join(PROJECT_ROOT, "cdktf.out", "stacks");
let failed = 0;
for (const stack of readdirSync(stacksDir).sort()) {
  const check = prepareStack(
    path.join(stacksDir, stack),
    path.join(PROJECT_ROOT, "cdktf.out", "validate", stack),
  );
  try {
    validateStack(check);
    const partial =
      check.missingProviders.length > 0
        ? ` — PARTIAL: ${describeMissing(check)} missing, so ${check.projected.length} of their blocks were ` +
          "checked as terraform_data (expressions, references, cycles; not their provider's own rules)"
        : "";
    console.log(`${stack}: valid${partial}`);
  } catch (error) {
    failed += 1;
    console.error((error as Error).message);
  }
}
process.exitCode = failed > 0 ? 1 : 0;
