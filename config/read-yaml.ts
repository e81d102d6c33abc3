import { isMap, isPair, isSeq, LineCounter, parseAllDocuments, visit, type Document } from "yaml";
import type { ConfigProblem } from "./errors";

/*
 * Parsing is bounded before anything is built from a file: an organisation file is a few kilobytes, uses
 * few YAML aliases and holds one document. Without these bounds an alias bomb or a 6 MB file of aliases
 * stalls or exhausts memory instead of being refused.
 */
export const MAX_FILE_BYTES = 1024 * 1024;
export const MAX_ALIASES = 50;
/** yaml's maxAliasCount: how far aliases may multiply the data (aliases used × aliases inside each). */
export const MAX_ALIAS_EXPANSION = 100;

const YAML_TAG_PREFIX = "tag:yaml.org,2002:";
/**
 * The tags of plain data (YAML 1.2's core schema), which may be written out (`!!str 0755`). Every other tag is
 * refused: yaml reads an unknown one (`!foo`) as if it were not there, with a warning nobody sees, and the
 * YAML 1.1 ones (`!!binary`, `!!set`, `!!timestamp`, ...) as values no setting takes.
 */
const PLAIN_DATA_TAGS = new Set(
  ["str", "int", "float", "bool", "null", "map", "seq"].map((t) => `${YAML_TAG_PREFIX}${t}`),
);

export type ReadYaml =
  | { ok: true; doc: Document; data: unknown; lineOf: (offset: number) => number }
  | { ok: false; problems: ConfigProblem[] };

export function sizeProblem(file: string, bytes: number): ConfigProblem | undefined {
  if (bytes <= MAX_FILE_BYTES) return undefined;
  return {
    file,
    path: "",
    message: `is ${(bytes / 1024 / 1024).toFixed(1)} MB; an organisation file is at most ${MAX_FILE_BYTES / 1024} KB (the example is 2 KB): check that this is the file you meant, and remove generated or repeated content`,
  };
}

/** Every node with a tag written out, with its field path and offset. */
function explicitTags(doc: Document): { tag: string; path: string; offset: number }[] {
  const found: { tag: string; path: string; offset: number }[] = [];
  visit(doc, {
    Node: (_key, node, ancestors) => {
      if (node.tag) {
        found.push({ tag: node.tag, path: fieldPath([...ancestors, node]), offset: node.range?.[0] ?? 0 });
      }
    },
  });
  return found;
}

/** The dotted field path (users.0.keys.1) of the last of `chain`, a node and its ancestors from the document. */
function fieldPath(chain: readonly unknown[]): string {
  const steps: string[] = [];
  chain.forEach((node, i) => {
    const child = chain[i + 1];
    if (isSeq(node)) steps.push(String(node.items.indexOf(child as never)));
    else if (isPair(node) && child === node.value) steps.push(String(node.key));
  });
  return steps.join(".");
}

export function readYaml(file: string, text: string): ReadYaml {
  const tooBig = sizeProblem(file, Buffer.byteLength(text));
  if (tooBig) return { ok: false, problems: [tooBig] };

  const lines = new LineCounter();
  const lineOf = (offset: number) => lines.linePos(offset).line;
  const fail = (offset: number | undefined, message: string): ReadYaml => ({
    ok: false,
    problems: [{ file, path: "", line: offset === undefined ? undefined : lineOf(offset), message }],
  });
  const docs = parseAllDocuments(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  const errors = [...docs].flatMap((d) => d.errors);
  if (errors.length > 0) {
    return {
      ok: false,
      problems: errors.map((e) => ({
        file,
        path: "",
        line: lineOf(e.pos[0]),
        message: `YAML syntax error: ${e.message.split("\n")[0]}. Check indentation and quoting on that line.`,
      })),
    };
  }
  // A document of only "---" or comments has no contents: harmless, and not counted.
  const filled = [...docs].filter((d) => d.contents !== null);
  if (filled.length > 1) {
    return fail(
      filled[1].range[0],
      `holds ${filled.length} YAML documents (a '---' line starts the next); an organisation file holds one organisation: move each other one into organisations/<its name>.yaml`,
    );
  }
  const doc = filled[0];
  if (!doc || !isMap(doc.contents)) {
    return fail(undefined, "is empty or not a mapping; start from organisations/faalkaart.yaml");
  }

  const aliases: number[] = [];
  visit(doc, { Alias: (_key, node) => void aliases.push(node.range?.[0] ?? 0) });
  if (aliases.length > MAX_ALIASES) {
    return fail(
      aliases[MAX_ALIASES],
      `uses ${aliases.length} YAML aliases (*name); at most ${MAX_ALIASES} are read: write the values out instead of referring to them`,
    );
  }
  const tagged = explicitTags(doc).filter((t) => !PLAIN_DATA_TAGS.has(t.tag));
  if (tagged.length > 0) {
    return {
      ok: false,
      problems: tagged.map(({ tag, path, offset }) => ({
        file,
        path,
        line: lineOf(offset),
        message: `has the YAML tag ${tag.replace(YAML_TAG_PREFIX, "!!")}: an organisation file holds only text, numbers, true/false, lists and mappings, and a tag would make the value something else or be dropped without a word; remove the tag`,
      })),
    };
  }
  try {
    return { ok: true, doc, data: doc.toJS({ maxAliasCount: MAX_ALIAS_EXPANSION }), lineOf };
  } catch (error) {
    // yaml refuses aliases that expand to far more data than the file holds (an "alias bomb").
    if (!(error instanceof ReferenceError)) throw error;
    return fail(
      aliases[0],
      "has YAML aliases that expand to far more data than the file holds; write the values out instead of nesting aliases",
    );
  }
}
