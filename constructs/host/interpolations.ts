/** One `${...}` (or `%{...}`) of a Terraform template: where it stands in the text, and what is inside. */
export interface Interpolation {
  readonly start: number;
  readonly end: number;
  readonly expression: string;
  /** A `%{...}` directive (if, for) rather than a `${...}` interpolation. */
  readonly directive?: boolean;
}

/**
 * The interpolations of a string as Terraform reads it: `$${` is a literal, and braces inside quoted
 * strings or nested objects do not end the expression.
 */
export function interpolations(text: string): Interpolation[] {
  return templateSequences(text).filter((s) => !s.directive);
}

/** The `${...}` interpolations and `%{...}` directives of a template; `$${` and `%%{` are literals. */
export function templateSequences(text: string): Interpolation[] {
  const found: Interpolation[] = [];
  // Every sequence and escape ends in its first brace, so the text is read from brace to brace (stacks hold
  // long files with few of them). `from` is where reading left off: an escape or a sequence starts there or later.
  for (let from = 0, brace = text.indexOf("{"); brace !== -1; brace = text.indexOf("{", from)) {
    const sigil = brace - 1 >= from && (text[brace - 1] === "$" || text[brace - 1] === "%");
    const escaped = sigil && brace - 2 >= from && text[brace - 2] === text[brace - 1];
    from = brace + 1;
    if (!sigil || escaped) continue;
    const start = brace - 1;
    const end = closingBrace(text, brace + 1);
    if (end === -1) break;
    found.push({
      start,
      end: end + 1,
      expression: text.slice(brace + 1, end),
      ...(text[start] === "%" ? { directive: true } : {}),
    });
    from = end + 1;
  }
  return found;
}

/**
 * Every sequence Terraform evaluates in a template, also those inside the quoted strings of an expression
 * (`${yamlencode({"a" = "${b}"})}` evaluates `${b}`), each as the text it was written as.
 */
export function liveSequences(text: string): string[] {
  return templateSequences(text).flatMap((s) => [
    text.slice(s.start, s.end),
    ...quotedStrings(s.expression).flatMap(liveSequences),
  ]);
}

/** The contents of the quoted strings of an expression, escapes left as written. */
function quotedStrings(expression: string): string[] {
  const found: string[] = [];
  for (let i = 0; i < expression.length; i++) {
    if (expression[i] !== '"') continue;
    const end = closingQuote(expression, i + 1);
    if (end === -1) break;
    found.push(expression.slice(i + 1, end));
    i = end;
  }
  return found;
}

function closingQuote(text: string, from: number): number {
  for (let i = from; i < text.length; i++) {
    if (text[i] === "\\") i++;
    else if (text[i] === '"') return i;
    else if (text.startsWith("$${", i) || text.startsWith("%%{", i)) i += 2;
    else if (text.startsWith("${", i) || text.startsWith("%{", i)) {
      // A template sequence inside the string may hold quotes of its own.
      const end = closingBrace(text, i + 2);
      if (end === -1) return -1;
      i = end;
    }
  }
  return -1;
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
