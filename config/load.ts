import fs from "node:fs";
import path from "node:path";
import { formatWarning, OrganisationConfigError, type ConfigProblem } from "./errors";
import { recordFreeText } from "./free-text";
import { hetznerNameClashes, sharedOperatorKeys } from "./hetzner-project-names";
import { parseOrganisation } from "./parse";
import { sizeProblem } from "./read-yaml";
import type { Organisation } from "./schema";
import { claimedNamesOf } from "./model/organisation-model";
import { checkedOf, verdictOf, type VerdictCache } from "./verdicts";

export interface LoadedOrganisation {
  readonly file: string;
  readonly organisation: Organisation;
  /** Risky settings the file may have on purpose (SSH open to the world): shown, never silently accepted. */
  readonly warnings: readonly ConfigProblem[];
}

export interface LoadOptions {
  /**
   * Where warnings go. By default they are printed, so every synth shows them; doctor takes them into its
   * own report instead.
   */
  readonly onWarning?: (warning: ConfigProblem) => void;
  /**
   * Verdicts on files checked before (config/verdicts.ts): a file with one is not checked again.
   * @default - every file is checked
   */
  readonly verdicts?: VerdictCache;
}

/** The one extension organisation files have; everything else in the folder is not read. */
export const ORGANISATION_EXTENSION = ".yaml";
/** The JSON Schema for editors lives next to the organisation files (npm run schemas:editor). */
const EDITOR_SCHEMA = "organisation.schema.json";
/** Names that look meant as organisation files: refused rather than skipped without a word. */
const LOOKS_LIKE_CONFIG = /\.(ya?ml|json)$/i;

// On stdout, as the synth's other notices: cdktf labels everything on the app's stderr "[ERROR]".
const printWarning = (warning: ConfigProblem) => console.log(formatWarning(warning));

/**
 * Loads and validates every organisations/*.yaml. All files are checked before anything is returned, and
 * one bad file fails the whole load: a partial synth could plan the destruction of the missing stacks.
 */
export function loadOrganisations(
  dir: string,
  { onWarning = printWarning, verdicts }: LoadOptions = {},
): LoadedOrganisation[] {
  if (!fs.statSync(dir, { throwIfNoEntry: false })?.isDirectory()) {
    throw new OrganisationConfigError([
      {
        file: dir,
        path: "",
        message:
          "is not a folder: FAILMAP_ORGANISATIONS_DIR (or organisations/ when it is unset) must name the folder that holds the organisation files",
      },
    ]);
  }
  const problems: ConfigProblem[] = [];
  const files: string[] = [];
  for (const entry of fs
    .readdirSync(dir, { withFileTypes: true })
    .sort((a, b) => a.name.localeCompare(b.name))) {
    const file = path.join(dir, entry.name);
    // Hidden files are editors' and git's (.swp, .gitkeep); folders are not read either.
    if (entry.name.startsWith(".") || !entry.isFile() || entry.name === EDITOR_SCHEMA) continue;
    if (entry.name.endsWith(ORGANISATION_EXTENSION)) {
      const tooBig = sizeProblem(file, fs.statSync(file).size);
      if (tooBig) problems.push(tooBig);
      else files.push(file);
    } else if (LOOKS_LIKE_CONFIG.test(entry.name)) {
      const stem = entry.name.replace(LOOKS_LIKE_CONFIG, "");
      problems.push({
        file,
        path: "",
        message: `is not read: organisation files end in ${ORGANISATION_EXTENSION} (lower case); rename it to ${stem}${ORGANISATION_EXTENSION}, or move it out of ${dir}`,
      });
    } else {
      onWarning({
        file,
        path: "",
        message: `is not read: only *${ORGANISATION_EXTENSION} files in ${dir} are organisation files; move it elsewhere if it is not meant to be one`,
      });
    }
  }
  if (problems.length > 0) throw new OrganisationConfigError(problems);
  if (files.length === 0) {
    throw new OrganisationConfigError([
      { file: dir, path: "", message: "holds no organisation files; copy organisations/faalkaart.yaml" },
    ]);
  }
  let loaded;
  try {
    loaded = loadFiles(
      files.map((file) => ({ file, text: fs.readFileSync(file, "utf8") })),
      verdicts,
    );
  } finally {
    verdicts?.save();
  }
  for (const { warnings } of loaded) warnings.forEach(onWarning);
  return loaded;
}

export function loadFiles(
  sources: readonly { file: string; text: string }[],
  verdicts?: VerdictCache,
): LoadedOrganisation[] {
  const problems: ConfigProblem[] = [];
  const loaded: LoadedOrganisation[] = [];
  const lines = new Map<string, (path: string[]) => number | undefined>();
  for (const { file, text } of sources) {
    const known = verdicts?.get(file, text);
    const result = known ? { ok: true as const, ...checkedOf(known) } : parseOrganisation(file, text);
    if (!result.ok) {
      problems.push(...result.problems);
      continue;
    }
    if (known) recordFreeText(result.organisation, file, result.lineOf);
    else {
      const verdict = verdicts && verdictOf(result);
      if (verdict) verdicts?.set(file, text, verdict);
    }
    loaded.push({ file, organisation: result.organisation, warnings: result.warnings });
    lines.set(file, result.lineOf);
  }
  // Problems across files are found on the organisations; their lines come from each file's text.
  const located = (p: ConfigProblem): ConfigProblem => ({
    ...p,
    line: p.line ?? lines.get(p.file)?.(p.path === "" ? [] : p.path.split(".")),
  });
  problems.push(...[...crossOrganisationProblems(loaded), ...hetznerNameClashes(loaded)].map(located));
  if (problems.length > 0) throw new OrganisationConfigError(problems);
  const shared = sharedOperatorKeys(loaded).map(located);
  return loaded.map((l) => ({ ...l, warnings: [...l.warnings, ...shared.filter((w) => w.file === l.file)] }));
}
function crossOrganisationProblems(loaded: readonly LoadedOrganisation[]): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const orgNames = new Map<string, string>();
  const domains = new Map<string, string>();
  const addresses = new Map<string, string>();
  for (const { file, organisation: org } of loaded) {
    // One organisation per server: two bootstraps would overwrite each other's users, firewall and ports.
    if (org.server.provider === "existing") {
      const owner = addresses.get(org.server.address);
      if (owner) {
        problems.push({
          file,
          path: "server.address",
          message: `${org.server.address} is also the server of ${owner}; one organisation per server (their bootstraps would overwrite each other's users, firewall and ports): move this file's instances into ${owner}, or use another server`,
        });
      } else addresses.set(org.server.address, file);
    }
    const other = orgNames.get(org.name);
    if (other) {
      problems.push({
        file,
        path: "name",
        message: `'${org.name}' is also the name in ${other}; names are unique`,
      });
    }
    orgNames.set(org.name, file);
    // A worker host's name is also its server's and its primary IPs' names in the Hetzner project.
    for (const { name, path: at, workerHost } of claimedNamesOf(org)) {
      const owner = domains.get(name);
      if (owner) {
        problems.push({
          file,
          path: at.join("."),
          message: `'${name}' is already claimed by ${owner}; a name belongs to one organisation (its DNS records, and a server's name in the Hetzner project): pick another`,
        });
      } else {
        domains.set(name, workerHost ? `${file} (${at.join(".")}: its worker host ${workerHost})` : file);
      }
    }
  }
  return problems;
}
