import fs from "node:fs";
import path from "node:path";
import { Testing } from "cdktf";
import { parse, stringify } from "yaml";
import { loadFiles } from "../../config/load";
import { resolveOrganisation, type InstanceModel } from "../../config/model/organisation-model";
import type { Organisation } from "../../config/schema";
import { OrganisationStack } from "../../stacks/organisation-stack";

export const ORGANISATIONS_DIR = path.resolve(__dirname, "../../organisations");

export function exampleText(name = "faalkaart"): string {
  return fs.readFileSync(path.join(ORGANISATIONS_DIR, `${name}.yaml`), "utf8");
}

/** The example organisation as plain data, for tests that change one field and load it again. */
export function exampleData(name = "faalkaart"): Record<string, unknown> {
  return parse(exampleText(name));
}

export function loadExample(name = "faalkaart", edit?: (data: Record<string, any>) => void): Organisation {
  const data = exampleData(name);
  edit?.(data);
  return loadFiles([{ file: `organisations/${name}.yaml`, text: stringify(data) }])[0].organisation;
}

/** One instance of the example organisation as the model resolves it. */
export function exampleInstance(instance = "production", name = "faalkaart"): InstanceModel {
  return resolveOrganisation(loadExample(name)).instances.find((i) => i.name === instance)!;
}

/** Synthesizes one organisation's stack and returns the parsed cdk.tf.json. */
export function synthOrganisation(organisation: Organisation): Record<string, any> {
  const app = Testing.app();
  const stack = new OrganisationStack(app, { organisation });
  return JSON.parse(Testing.synth(stack));
}

export function resourcesOf(synth: Record<string, any>, type: string): Record<string, any>[] {
  return Object.values(synth.resource?.[type] ?? {});
}
