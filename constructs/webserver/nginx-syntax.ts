/** nginx config text is built as lines; a block indents its body under `head {` ... `}`. */
export type Lines = readonly string[];

export function block(head: string, body: Lines): Lines {
  return [`${head} {`, ...body.map((line) => (line === "" ? line : `    ${line}`)), "}"];
}

/** A double-quoted nginx string. Variables in it still expand wherever the directive expands them. */
export function quote(text: string): string {
  return `"${text.replace(/\\/g, "\\\\").replace(/"/g, '\\"')}"`;
}

/** Blank lines between sections, none at the ends. */
export function sections(...parts: Lines[]): Lines {
  return parts.filter((part) => part.length > 0).flatMap((part, i) => (i === 0 ? part : ["", ...part]));
}
