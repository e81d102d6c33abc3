import fs from "node:fs";
import path from "node:path";
import { OrganisationConfigError, type ConfigProblem } from "./errors";
import { parseOrganisation } from "./parse";
import type { Organisation } from "./schema";
import { namesOf } from "./semantic-checks";

export interface LoadedOrganisation {
  readonly file: string;
  readonly organisation: Organisation;
}

/**
 * Loads and validates every organisations/*.yaml. All files are checked before anything is returned, and
 * one bad file fails the whole load: a partial synth could plan the destruction of the missing stacks.
 */
export function loadOrganisations(dir: string): LoadedOrganisation[] {
  const files = fs
    .readdirSync(dir)
    .filter((f) => /\.ya?ml$/.test(f))
    .sort()
    .map((f) => path.join(dir, f));
  if (files.length === 0) {
    throw new OrganisationConfigError([
      { file: dir, path: "", message: "holds no organisation files; copy organisations/faalkaart.yaml" },
    ]);
  }
  return loadFiles(files.map((file) => ({ file, text: fs.readFileSync(file, "utf8") })));
}

export function loadFiles(sources: readonly { file: string; text: string }[]): LoadedOrganisation[] {
  const problems: ConfigProblem[] = [];
  const loaded: LoadedOrganisation[] = [];
  for (const { file, text } of sources) {
    const result = parseOrganisation(file, text);
    if (result.ok) loaded.push({ file, organisation: result.organisation });
    else problems.push(...result.problems);
  }
  problems.push(...crossOrganisationProblems(loaded));
  if (problems.length > 0) throw new OrganisationConfigError(problems);
  return loaded;
}

function crossOrganisationProblems(loaded: readonly LoadedOrganisation[]): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const orgNames = new Map<string, string>();
  const domains = new Map<string, string>();
  for (const { file, organisation: org } of loaded) {
    const other = orgNames.get(org.name);
    if (other) {
      problems.push({
        file,
        path: "name",
        message: `'${org.name}' is also the name in ${other}; names are unique`,
      });
    }
    orgNames.set(org.name, file);
    for (const { name, path: at } of namesOf(org)) {
      const owner = domains.get(name);
      if (owner) {
        problems.push({ file, path: at.join("."), message: `'${name}' is already claimed by ${owner}` });
      } else {
        domains.set(name, file);
      }
    }
  }
  return problems;
}
