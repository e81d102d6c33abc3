// Builds the six pinned Terraform provider plugins from their Go modules into a local filesystem mirror,
// and writes the CLI config that makes Terraform install from it and from nowhere else:
//   npm run providers
//   export TF_CLI_CONFIG_FILE=$PWD/.terraform-providers/terraform.rc
import { buildMirror, CLI_CONFIG, MIRROR_DIR } from "../../ops/providers/mirror";

const report = buildMirror(undefined, (line) => console.error(line));
const names = (list: readonly { type: string; version: string }[]) =>
  list.map((p) => `${p.type} ${p.version}`).join(", ") || "none";
console.log(`mirror: ${MIRROR_DIR}`);
console.log(`built: ${names(report.built)}; already there: ${names(report.cached)}`);
console.log(`Terraform CLI config: ${CLI_CONFIG}`);
console.log(`  export TF_CLI_CONFIG_FILE=${CLI_CONFIG}`);
if (report.unavailable.length > 0) {
  console.error(`\n${report.unavailable.length} provider plugin(s) could not be built:`);
  for (const { plugin, reason } of report.unavailable) {
    console.error(`  ${plugin.namespace}/${plugin.type} ${plugin.version}: ${reason}`);
  }
  console.error(
    "Terraform cannot init a stack that needs them. Where the Terraform registry is reachable, `terraform " +
      "init` without TF_CLI_CONFIG_FILE installs the published plugins instead.",
  );
  process.exitCode = 1;
}
