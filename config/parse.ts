import { isMap, LineCounter, parseDocument, type Document } from "yaml";
import type { z } from "zod";
import type { ConfigProblem } from "./errors";
import { organisationSchema, type Organisation } from "./schema";
import { checkOrganisation } from "./semantic-checks";

export type ParseResult = { ok: true; organisation: Organisation } | { ok: false; problems: ConfigProblem[] };

type Path = readonly PropertyKey[];

/** Parses one organisation file's text. `file` is only used to name the file in problems. */
export function parseOrganisation(file: string, text: string): ParseResult {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  const lineOf = (offset: number) => lines.linePos(offset).line;

  if (doc.errors.length > 0) {
    return {
      ok: false,
      problems: doc.errors.map((e) => ({
        file,
        path: "",
        line: lineOf(e.pos[0]),
        message: `YAML syntax error: ${e.message.split("\n")[0]}. Check indentation and quoting on that line.`,
      })),
    };
  }
  if (!isMap(doc.contents)) {
    return {
      ok: false,
      problems: [
        { file, path: "", message: "is empty or not a mapping; start from organisations/faalkaart.yaml" },
      ],
    };
  }

  const parsed = organisationSchema.safeParse(doc.toJS());
  const at = (path: Path, message: string): ConfigProblem => ({
    file,
    path: path.map(String).join("."),
    line: lineOfPath(doc, path, lineOf),
    message,
  });
  if (!parsed.success)
    return { ok: false, problems: parsed.error.issues.map((i) => problemFromIssue(i, at)) };

  const problems = checkOrganisation(parsed.data, file).map((c) => at(c.path, c.message));
  return problems.length > 0 ? { ok: false, problems } : { ok: true, organisation: parsed.data };
}

function problemFromIssue(issue: z.core.$ZodIssue, at: (path: Path, message: string) => ConfigProblem) {
  if (issue.code === "unrecognized_keys") {
    const key = issue.keys[0];
    return at([...issue.path, key], `is not a known setting; remove it or check its spelling`);
  }
  if (issue.code === "invalid_type" && issue.input === undefined) {
    return at(issue.path, `is required (expected ${issue.expected})`);
  }
  return at(issue.path, issue.message);
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
