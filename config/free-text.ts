import type { Organisation } from "./schema";

/*
 * The fields of an organisation file that hold free text: what a person may write there is narrowed by no
 * pattern. OpenSSH allows any text in a key's comment ("johan 100% sure"), and a Sentry DSN's query is
 * Sentry's. Every other string of the file is a token of a strict pattern, enum or list (names, domains,
 * networks, images, e-mail addresses, https URLs), so it cannot hold a quote, a `${` or a `%{`
 * (test/unit/config/text-input.test.ts tries each). Stacks carry free text as a literal, never as Terraform code
 * (constructs/host/terraform-literal.ts), and the file's line of each is kept to name it in a refusal.
 */

export type FieldPath = readonly (string | number)[];

/** Where free text lives; `*` stands for every key of a mapping or every item of a list. */
export const FREE_TEXT_FIELDS: readonly FieldPath[] = [
  ["users", "*", "keys", "*"],
  ["instances", "*", "sentryDsn"],
];

export interface FreeText {
  readonly path: FieldPath;
  readonly text: string;
}

/** One free-text value and where it was written. */
export interface FreeTextSource extends FreeText {
  readonly file: string;
  readonly line?: number;
}

type Container = Record<string | number, unknown>;
const isContainer = (value: unknown): value is Container => typeof value === "object" && value !== null;
const keysAt = (value: Container, step: string | number): (string | number)[] =>
  step !== "*" ? [step] : Array.isArray(value) ? value.map((_, i) => i) : Object.keys(value);

/** Every free-text value of an organisation, with its field path. */
export function freeTextOf(organisation: Organisation): FreeText[] {
  const found: FreeText[] = [];
  const walk = (value: unknown, pattern: FieldPath, path: FieldPath) => {
    if (pattern.length === 0) {
      if (typeof value === "string") found.push({ path, text: value });
      return;
    }
    if (!isContainer(value)) return;
    const [step, ...rest] = pattern;
    for (const key of keysAt(value, step)) walk(value[key], rest, [...path, key]);
  };
  for (const pattern of FREE_TEXT_FIELDS) walk(organisation, pattern, []);
  return found;
}

/** A copy of the organisation whose free-text values are what `map` makes of them; nothing else changes. */
export function mapFreeText(organisation: Organisation, map: (text: string) => string): Organisation {
  const copy = (value: unknown, pattern: FieldPath): unknown => {
    if (pattern.length === 0) return typeof value === "string" ? map(value) : value;
    if (!isContainer(value)) return value;
    const [step, ...rest] = pattern;
    const result = (Array.isArray(value) ? [...value] : { ...value }) as Container;
    for (const key of keysAt(value, step)) if (key in value) result[key] = copy(value[key], rest);
    return result;
  };
  return FREE_TEXT_FIELDS.reduce((org, pattern) => copy(org, pattern) as Organisation, organisation);
}

const sources = new WeakMap<Organisation, { file: string; lines: Map<string, number | undefined> }>();

/** Keeps the file of an organisation as parsing returns it, and the line of each free-text value. */
export function recordFreeText(
  organisation: Organisation,
  file: string,
  lineOf: (path: FieldPath) => number | undefined,
): void {
  const lines = new Map(freeTextOf(organisation).map((t) => [t.path.join("."), lineOf(t.path)]));
  sources.set(organisation, { file, lines });
}

/** The free-text values of an organisation with where they were written (its name when the file is unknown). */
export function freeTextSources(organisation: Organisation): FreeTextSource[] {
  const source = sources.get(organisation);
  return freeTextOf(organisation).map((t) => ({
    ...t,
    file: source?.file ?? `organisation ${organisation.name}`,
    line: source?.lines.get(t.path.join(".")),
  }));
}
