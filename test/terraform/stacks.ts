import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { loadOrganisations } from "../../config/load";
import { stackName } from "../../config/model/names";
import type { Organisation } from "../../config/schema";
import { foundTypes, preparePlugins } from "../../ops/providers/installation";
import { ORGANISATIONS_DIR, synthOrganisation } from "../support/organisations";

/** The example organisations, as the terraform tests run them. */
export const EXAMPLES = loadOrganisations(ORGANISATIONS_DIR).map(
  (o) => [o.organisation.name, o.organisation] as const,
);

/**
 * Builds the plugins that can be built (cached by version), finds the others, writes the CLI config, and
 * returns the local names of the providers whose plugins are here. A machine without Go fails here, loudly.
 */
export function ensureMirror(): Set<string> {
  return foundTypes(preparePlugins());
}

/** Synthesizes one organisation into a fresh stack folder, as `cdktf synth` lays it out. */
export function synthToDir(organisation: Organisation): string {
  const dir = path.join(mkdtempSync(path.join(os.tmpdir(), "failmap-tf-")), stackName(organisation.name));
  mkdirSync(dir);
  writeFileSync(path.join(dir, "cdk.tf.json"), JSON.stringify(synthOrganisation(organisation), null, 2));
  return dir;
}
