import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { loadOrganisations } from "../../config/load";
import type { Organisation } from "../../config/schema";
import { buildMirror } from "../../ops/providers/mirror";
import { ORGANISATIONS_DIR, synthOrganisation } from "../support/organisations";

/** The example organisations, as the terraform tests run them. */
export const EXAMPLES = loadOrganisations(ORGANISATIONS_DIR).map(
  (o) => [o.organisation.name, o.organisation] as const,
);

/** Builds the plugins that can be built (cached by version); a machine without Go fails here, loudly. */
export function ensureMirror(): void {
  buildMirror();
}

/** Synthesizes one organisation into a fresh stack folder, as `cdktf synth` lays it out. */
export function synthToDir(organisation: Organisation): string {
  const dir = path.join(mkdtempSync(path.join(os.tmpdir(), "failmap-tf-")), `org-${organisation.name}`);
  mkdirSync(dir);
  writeFileSync(path.join(dir, "cdk.tf.json"), JSON.stringify(synthOrganisation(organisation), null, 2));
  return dir;
}
