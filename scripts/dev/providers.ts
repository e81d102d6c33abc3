// Builds tls and random from their Go modules, finds the other provider plugins where Terraform looks for
// them (FAILMAP_PROVIDER_MIRROR, then Terraform's implied local mirror directories), and writes the CLI config
// that installs each found plugin from its directory and the rest from the Terraform registry:
//   npm run providers
//   export TF_CLI_CONFIG_FILE=$PWD/.terraform-providers/terraform.rc
// With --check, prints one line and exits 0 when all six plugins are on this machine, 3 when one is not:
//   npm run --silent providers -- --check
import { pluginName } from "../../ops/providers/catalogue";
import { CLI_CONFIG, describeMissing, preparePlugins } from "../../ops/providers/installation";

const CHECK = process.argv.includes("--check");
/** --check's exit status when a plugin is missing: not a failure, a reason to skip what needs them all. */
const MISSING = 3;

function main(): void {
  const installation = preparePlugins((line) => console.error(line));
  for (const { plugin, reason } of installation.build.unavailable) {
    console.error(`${pluginName(plugin)} could not be built: ${reason}`);
  }
  const missing = describeMissing(installation);

  if (CHECK) {
    console.log(missing ?? `all ${installation.found.length} provider plugins found (${CLI_CONFIG})`);
    process.exitCode = missing ? MISSING : 0;
  } else {
    for (const { plugin, dir } of installation.found) {
      const now = installation.build.built.includes(plugin) ? " (built now)" : "";
      console.log(`${pluginName(plugin)}: ${dir.path}${now}`);
    }
    if (missing) console.log(missing);
    console.log(`Terraform CLI config: ${CLI_CONFIG}`);
    console.log(`  export TF_CLI_CONFIG_FILE=${CLI_CONFIG}`);
    process.exitCode = installation.build.unavailable.length > 0 ? 1 : 0;
  }
}

// A bad FAILMAP_PROVIDER_MIRROR or a missing Go: the message says what to do, without a stack trace.
try {
  main();
} catch (error) {
  console.error((error as Error).message);
  process.exitCode = 1;
}
