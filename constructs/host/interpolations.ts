/** One `${...}` of a Terraform template: where it stands in the text, and the expression inside. */
export interface Interpolation {
  readonly start: number;
  readonly end: number;
  readonly expression: string;
}

/**
 * The interpolations of a string as Terraform reads it: `$${` is a literal, and braces inside quoted
 * strings or nested objects do not end the expression.
 */
export function interpolations(text: string): Interpolation[] {
  const found: Interpolation[] = [];
  for (let i = 0; i < text.length; i++) {
    if (text.startsWith("$${", i)) {
      i += 2;
      continue;
    }
    if (!text.startsWith("${", i)) continue;
    const end = closingBrace(text, i + 2);
    if (end === -1) break;
    found.push({ start: i, end: end + 1, expression: text.slice(i + 2, end) });
    i = end;
  }
  return found;
}

function closingBrace(text: string, from: number): number {
  let depth = 0;
  let quoted = false;
  for (let i = from; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === "\\") i++;
      else if (c === '"') quoted = false;
    } else if (c === '"') quoted = true;
    else if (c === "{") depth++;
    else if (c === "}") {
      if (depth === 0) return i;
      depth--;
    }
  }
  return -1;
}
