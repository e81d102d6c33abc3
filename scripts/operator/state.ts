// Reads an organisation's Terraform state without the stack's provider plugins:
//   npm run state -- <organisation> list | pull | show <address>
import path from "node:path";
import { backendSettings } from "../../stacks/backend-settings";
import { selectOrganisations, stackDir } from "../../ops/organisations/select";
import { parsePulledState, showInstance } from "../../ops/state/show";
import { terraform } from "../../ops/state/terraform";
import { withStateWorkdir } from "../../ops/state/workdir";

const USAGE = "usage: npm run state -- <organisation> list | pull | show <address>";

function main([name, command, address]: string[]): void {
  if (!name || !["list", "pull", "show"].includes(command) || (command === "show" && !address))
    throw new Error(USAGE);
  const [{ organisation }] = selectOrganisations(name);
  const settings = backendSettings(organisation);
  const dir = stackDir(organisation.name);
  const where =
    settings.kind === "s3" ? `s3://${settings.bucket}/${settings.key}` : path.resolve(dir, settings.path);
  console.error(`state of org-${organisation.name}: ${where}`);

  const output = withStateWorkdir(settings, dir, (workdir, env) => {
    const pulled = terraform(["state", "pull"], workdir, env);
    const state = parsePulledState(pulled);
    if (!state) {
      throw new Error(
        `org-${organisation.name} has no state at ${where} yet: it was never deployed, or the bucket is wrong`,
      );
    }
    if (command === "pull") return pulled;
    if (command === "list") return terraform(["state", "list"], workdir, env);
    return showInstance(state, address);
  });
  process.stdout.write(output);
}

try {
  main(process.argv.slice(2));
} catch (e) {
  console.error((e as Error).message);
  process.exit(1);
}
