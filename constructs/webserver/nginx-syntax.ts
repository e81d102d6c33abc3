/** nginx config text is built as lines; a block indents its body under `head {` ... `}`. */
export type Lines = readonly string[];

export function block(head: string, body: Lines): Lines {
  return [`${head} {`, ...body.map((line) => (line === "" ? line : `    ${line}`)), "}"];
}

/**
 * A double-quoted nginx string. Variables in it still expand wherever the directive expands them. A line
 * break is refused: every value comes from one field of the organisation file or a certificate subject.
 */
export function quote(text: string): string {
  if (/[\r\n]/.test(text)) throw new Error(`nginx config: ${JSON.stringify(text)} spans lines`);
  return `"${text.replace(/\\/g, "\\\\").replace(/"/g, '\\"')}"`;
}

/** Blank lines between sections, none at the ends. */
export function sections(...parts: Lines[]): Lines {
  return parts.filter((part) => part.length > 0).flatMap((part, i) => (i === 0 ? part : ["", ...part]));
}
