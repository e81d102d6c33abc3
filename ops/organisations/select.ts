import path from "node:path";
import { loadOrganisations, type LoadedOrganisation } from "../../config/load";
import { repositoryRoot } from "../../constructs/bootstrap/script-files";
import { pickOrganisation } from "../../synth/pick-organisation";
import { stackName } from "../../config/model/names";

export { pickOrganisation };

/** The project root: the one the bootstrap reads its scripts from. */
export const PROJECT_ROOT = repositoryRoot();
/** Where main.ts reads organisations from; FAILMAP_ORGANISATIONS_DIR overrides it there and here alike. */
export const ORGANISATIONS_DIR = path.resolve(
  PROJECT_ROOT,
  process.env.FAILMAP_ORGANISATIONS_DIR ?? "organisations",
);
/** Where cdktf synthesizes an organisation's stack, and where it runs terraform for it. */
export const stackDir = (name: string) => path.join(PROJECT_ROOT, "cdktf.out", "stacks", stackName(name));

/** Every organisation's name, in file order: the stacks `org-<name>` that main.ts synthesizes. */
export function organisationNames(dir: string = ORGANISATIONS_DIR): string[] {
  return loadOrganisations(dir).map((o) => o.organisation.name);
}

/**
 * One organisation by name, validated together with the others (as a synth would), or all of them when no
 * name is given. An unknown name is an error that lists the known ones.
 */
export function selectOrganisations(
  name: string | undefined,
  dir: string = ORGANISATIONS_DIR,
): LoadedOrganisation[] {
  const all = loadOrganisations(dir);
  return name === undefined ? all : [pickOrganisation(all, name, dir)];
}
