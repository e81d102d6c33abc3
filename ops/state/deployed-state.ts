import path from "node:path";
import { backendSettings } from "../../stacks/backend-settings";
import { PROJECT_ROOT, selectOrganisations, stackDir } from "../organisations/select";
import { parsePulledState, type StateFile } from "./show";
import { terraform } from "./terraform";
import { withStateWorkdir } from "./workdir";
import { stackName } from "../../config/model/names";

export interface DeployedState {
  /** A working directory whose backend is the organisation's, and the environment to run terraform in it. */
  readonly workdir: string;
  readonly env: NodeJS.ProcessEnv;
  /** `terraform state pull`, as terraform printed it. */
  readonly pulled: string;
  readonly state: StateFile;
}

/**
 * Runs `work` on the state of the organisation called `name`, read through the same backend block its stack
 * synthesizes, without the stack's provider plugins and without a synth. What stops it says what to do: an
 * unknown name lists the known ones; a stack that was never deployed says so and how to deploy it.
 * `announce` hears where the state is before it is read.
 */
export function withDeployedState<T>(
  name: string,
  work: (deployed: DeployedState) => T,
  announce: (where: string) => void = () => undefined,
): T {
  const [{ organisation }] = selectOrganisations(name);
  const stack = stackName(organisation.name);
  const settings = backendSettings(organisation);
  const dir = stackDir(organisation.name);
  const where =
    settings.kind === "s3"
      ? `s3://${settings.bucket}/${settings.key}`
      : path.relative(PROJECT_ROOT, path.resolve(dir, settings.path));
  const elsewhere =
    settings.kind === "s3" ? ", or FAILMAP_STATE_* point to another bucket" : " from this checkout";
  announce(where);
  return withStateWorkdir(settings, dir, (workdir, env) => {
    const pulled = terraform(["state", "pull"], workdir, env);
    const state = parsePulledState(pulled);
    if (!state) {
      throw new Error(
        `${stack} has no state at ${where} yet: it was never deployed${elsewhere}. ` +
          `Deploy it with \`npx cdktf deploy ${stack}\` (docs/hosting.md).`,
      );
    }
    return work({ workdir, env, pulled, state });
  });
}
