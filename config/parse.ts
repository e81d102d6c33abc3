import type { Document } from "yaml";
import type { ConfigProblem } from "./errors";
import { exposureWarnings } from "./exposure-warnings";
import { recordFreeText } from "./free-text";
import { explainIssue } from "./issue-messages";
import { readYaml } from "./read-yaml";
import { organisationSchema, type Organisation } from "./schema";
import { checkOrganisation } from "./semantic-checks";
import { characterProblems } from "./text-characters";

type Path = readonly PropertyKey[];

export type ParseResult =
  | {
      ok: true;
      organisation: Organisation;
      warnings: ConfigProblem[];
      /** The line of a field, for problems found later (across files). */
      lineOf: (path: Path) => number | undefined;
    }
  | { ok: false; problems: ConfigProblem[] };

/** Parses one organisation file's text. `file` is only used to name the file in problems. */
export function parseOrganisation(file: string, text: string): ParseResult {
  const read = readYaml(file, text);
  if (!read.ok) return read;
  const { doc, data, lineOf } = read;

  const at = (path: Path, message: string): ConfigProblem => ({
    file,
    path: path.map(String).join("."),
    line: lineOfPath(doc, path, lineOf),
    message,
  });
  const characters = characterProblems(data);
  if (characters.length > 0) return { ok: false, problems: characters.map((c) => at(c.path, c.message)) };
  const parsed = organisationSchema.safeParse(data, { reportInput: true });
  if (!parsed.success) {
    return {
      ok: false,
      problems: parsed.error.issues.map((i) => {
        const { path, message } = explainIssue(i);
        return at(path, message);
      }),
    };
  }

  const problems = checkOrganisation(parsed.data, file).map((c) => at(c.path, c.message));
  if (problems.length > 0) return { ok: false, problems };
  const warnings = exposureWarnings(parsed.data).map((c) => at(c.path, c.message));
  recordFreeText(parsed.data, file, (path) => lineOfPath(doc, path, lineOf));
  return { ok: true, organisation: parsed.data, warnings, lineOf: (path) => lineOfPath(doc, path, lineOf) };
}

function lineOfPath(doc: Document, path: Path, lineOf: (offset: number) => number): number | undefined {
  // Walk up until a node exists: a missing key is reported on its parent's line.
  for (let n = path.length; n >= 0; n--) {
    const node = doc.getIn(path.slice(0, n) as unknown[], true) as
      { range?: [number, number, number] } | undefined;
    if (node?.range) return lineOf(node.range[0]);
  }
  return undefined;
}
