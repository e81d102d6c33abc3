import { App } from "cdktf";
import path from "node:path";
import { loadOrganisations } from "./config/load";
import { OrganisationConfigError } from "./config/errors";
import { OrganisationStack } from "./stacks/organisation-stack";

/** One stack per organisation file: `cdktf deploy org-<name>`. */
function main(): void {
  const dir = path.resolve(process.env.FAILMAP_ORGANISATIONS_DIR ?? "organisations");
  let organisations;
  try {
    organisations = loadOrganisations(dir);
  } catch (error) {
    if (!(error instanceof OrganisationConfigError)) throw error;
    console.error(error.message);
    process.exit(1);
  }

  const app = new App();
  for (const { file, organisation } of organisations) {
    try {
      const stack = new OrganisationStack(app, { organisation });
      if (stack.stateNotice) console.log(stack.stateNotice);
    } catch (error) {
      // The config checks catch what they can; a construct's own check still names the file it came from.
      console.error(
        `${path.relative(process.cwd(), file)}: ${(error as Error).message}\nNothing was synthesized.`,
      );
      process.exit(1);
    }
  }
  app.synth();
}

main();
