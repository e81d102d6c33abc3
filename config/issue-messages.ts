import type { z } from "zod";

/*
 * zod's messages are written for developers ("Invalid input: expected boolean, received string"). These
 * say what the file holds and what to write instead; the schema's own messages already do.
 */

const ZOD_DEFAULT = /^(Invalid|Too (big|small)|Unrecognized)/;

function describe(value: unknown): string {
  if (value === null) return "empty";
  if (typeof value === "string") return `the string "${value}"`;
  if (Array.isArray(value)) return "a list";
  if (typeof value === "object") return "a mapping";
  return `the ${typeof value} ${String(value)}`;
}

const YAML_11_BOOLEANS: Readonly<Record<string, boolean>> = {
  yes: true,
  no: false,
  on: true,
  off: false,
  true: true,
  false: false,
  y: true,
  n: false,
};

/** How to write `input` as a value of the `expected` type, when it obviously is one. */
function rewrite(input: unknown, expected: string): string | undefined {
  if (typeof input !== "string") return undefined;
  const text = input.trim();
  if (expected === "number" && text !== "" && !Number.isNaN(Number(text))) {
    return `write ${Number(text)} without quotes`;
  }
  if (expected === "boolean" && text.toLowerCase() in YAML_11_BOOLEANS) {
    return `write ${YAML_11_BOOLEANS[text.toLowerCase()]}, unquoted: YAML 1.2 reads only true and false as booleans`;
  }
  return undefined;
}

function typeMessage(issue: z.core.$ZodIssueInvalidType): string {
  if (issue.input === undefined) return `is required (expected ${issue.expected})`;
  if (issue.input === null) return `is empty (expected ${issue.expected}); fill it in or remove the key`;
  const fix = rewrite(issue.input, issue.expected);
  return `is ${describe(issue.input)}, expected ${issue.expected}${fix ? `; ${fix}` : ""}`;
}

/** The path (within the file) and message of one zod issue, as the operator should read it. */
export function explainIssue(issue: z.core.$ZodIssue): { path: PropertyKey[]; message: string } {
  // The schema's own messages (those that do not start like zod's defaults) already say what to do.
  if (
    !ZOD_DEFAULT.test(issue.message) &&
    issue.code !== "unrecognized_keys" &&
    issue.code !== "invalid_key"
  ) {
    return { path: issue.path, message: issue.message };
  }
  switch (issue.code) {
    case "unrecognized_keys":
      return {
        path: [...issue.path, issue.keys[0]],
        message: "is not a known setting; remove it or check its spelling",
      };
    case "invalid_type":
      return { path: issue.path, message: typeMessage(issue) };
    case "invalid_key": {
      // A record key (an instance or worker host group name) that breaks the naming rule.
      const rule = issue.issues[0]?.message ?? "breaks the naming rule";
      return { path: issue.path, message: `'${String(issue.path.at(-1))}' ${rule}` };
    }
    case "invalid_value":
      return {
        path: issue.path,
        message: `is ${describe(issue.input)}; use one of: ${issue.values.map(String).join(", ")}`,
      };
    case "too_big":
    case "too_small":
      if (issue.origin === "number") {
        const bound =
          issue.code === "too_big" ? `at most ${String(issue.maximum)}` : `at least ${String(issue.minimum)}`;
        return { path: issue.path, message: `is ${describe(issue.input)}; it must be ${bound}` };
      }
      return { path: issue.path, message: issue.message };
    default:
      return { path: issue.path, message: issue.message };
  }
}
