import { ApiError, FieldErrors } from "./errors";

export type Labels = Record<string, string>;

const NAME = /^[a-z0-9A-Z]([a-z0-9A-Z._-]{0,61}[a-z0-9A-Z])?$/;
const PREFIX = /^[a-z0-9]([a-z0-9.-]{0,251}[a-z0-9])?$/;

/** Checks labels as Hetzner does (Kubernetes label syntax); problems are added to `errors` under `field`. */
export function checkLabels(labels: unknown, errors: FieldErrors, field = "labels"): Labels {
  if (labels === undefined || labels === null) return {};
  if (typeof labels !== "object" || Array.isArray(labels)) {
    errors.add(field, "must be an object");
    return {};
  }
  for (const [key, value] of Object.entries(labels)) {
    const [prefix, name, extra] = key.includes("/") ? key.split("/") : [undefined, key, undefined];
    const keyValid =
      extra === undefined &&
      NAME.test(name) &&
      (prefix === undefined || PREFIX.test(prefix)) &&
      key.length <= 317;
    if (!keyValid || prefix === "hetzner.cloud") errors.add(field, `invalid label key '${key}'`);
    if (typeof value !== "string" || (value !== "" && !NAME.test(value))) {
      errors.add(field, `invalid label value for key '${key}'`);
    }
  }
  return { ...(labels as Labels) };
}

type Requirement = (labels: Labels) => boolean;

/**
 * Parses a label selector (`k=v`, `k==v`, `k!=v`, `k`, `!k`, `k in (a,b)`, `k notin (a,b)`, joined by commas)
 * into a predicate. An unreadable selector is `invalid_input`, as on Hetzner.
 */
export function parseLabelSelector(selector: string): (labels: Labels) => boolean {
  const requirements = splitTopLevel(selector).map(parseRequirement);
  return (labels) => requirements.every((matches) => matches(labels));
}

function splitTopLevel(selector: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let current = "";
  for (const char of selector) {
    if (char === "(") depth++;
    if (char === ")") depth--;
    if (char === "," && depth === 0) {
      parts.push(current);
      current = "";
    } else current += char;
  }
  parts.push(current);
  return parts.map((p) => p.trim());
}

function parseRequirement(text: string): Requirement {
  const key = "([A-Za-z0-9][A-Za-z0-9._/-]*)";
  const value = "([A-Za-z0-9._-]*)";
  let m = new RegExp(`^${key}\\s*(==|=|!=)\\s*${value}$`).exec(text);
  if (m) {
    const [, k, op, v] = m;
    return op === "!=" ? (l) => l[k] !== v : (l) => l[k] === v;
  }
  m = new RegExp(`^${key}\\s+(in|notin)\\s*\\(([^)]*)\\)$`).exec(text);
  if (m) {
    const [, k, op, list] = m;
    const values = list.split(",").map((v) => v.trim());
    return op === "in" ? (l) => k in l && values.includes(l[k]) : (l) => !(k in l) || !values.includes(l[k]);
  }
  m = new RegExp(`^(!?)${key}$`).exec(text);
  if (m) {
    const [, not, k] = m;
    return not ? (l) => !(k in l) : (l) => k in l;
  }
  throw new ApiError("invalid_input", `invalid label_selector '${text}'`, {
    fields: [{ name: "label_selector", messages: [`cannot parse '${text}'`] }],
  });
}
