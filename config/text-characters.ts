import { Token } from "cdktf";

/*
 * Characters refused in every string of an organisation file, keys included. No setting is multi-line, so
 * control characters (tab and newline too) are only ever pasted by accident, or on purpose: a newline starts a
 * new line in an env file, a users file or a shell command; bidirectional controls make text read otherwise
 * than it runs ("Trojan Source", CVE-2021-42574). cdktf's token markers would be replaced by what the stack
 * holds under that token (a password, a key) at synth.
 */

// eslint-disable-next-line no-control-regex -- control characters are what it finds
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;
const BIDI = /[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/;
const LINE_SEPARATOR = /[\u2028\u2029]/;
/** cdktf's string, list and map token markers. */
const CDKTF_MARKER = /[$#&]\{TfToken\[/;
/** Numbers as cdktf finds them in a string; those that encode a token (-8.1095...e+298) it replaces. */
const NUMBER = /[-+]?[\d.]+[eE][-+]?\d+/g;

const holdsCdktfToken = (text: string) =>
  CDKTF_MARKER.test(text) || [...text.matchAll(NUMBER)].some((m) => Token.isUnresolved(Number(m[0])));

const codePoint = (c: string) => `U+${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, "0")}`;

/** Why `text` holds a character no setting may hold, with what to do; or undefined. */
export function characterProblem(text: string): string | undefined {
  const control = CONTROL.exec(text)?.[0];
  if (control !== undefined) {
    const name = { "\t": "a tab", "\n": "a line break", "\r": "a carriage return" }[control];
    return `holds ${name ?? `the control character ${codePoint(control)}`} at character ${text.indexOf(control) + 1}: no setting spans lines or holds control characters; retype the value on one line`;
  }
  const bidi = BIDI.exec(text)?.[0] ?? LINE_SEPARATOR.exec(text)?.[0];
  if (bidi !== undefined) {
    return `holds the invisible character ${codePoint(bidi)} at character ${text.indexOf(bidi) + 1}, which changes how text reads (bidirectional or line control); retype the value without it`;
  }
  if (holdsCdktfToken(text)) {
    return "holds text shaped like a cdktf token (TfToken[...], or a number such as -8.1095622125913e+298), which the synth would replace with a value of the stack; remove it";
  }
  return undefined;
}

/** Every string (and mapping key) of parsed YAML data that holds a refused character, with its field path. */
export function characterProblems(data: unknown): { path: (string | number)[]; message: string }[] {
  const found: { path: (string | number)[]; message: string }[] = [];
  const walk = (value: unknown, path: (string | number)[]) => {
    if (typeof value === "string") {
      const message = characterProblem(value);
      if (message) found.push({ path, message });
    } else if (Array.isArray(value)) value.forEach((v, i) => walk(v, [...path, i]));
    else if (value && typeof value === "object") {
      for (const [key, v] of Object.entries(value)) {
        const message = characterProblem(key);
        if (message) found.push({ path: [...path, key], message: `(the key) ${message}` });
        walk(v, [...path, key]);
      }
    }
  };
  walk(data, []);
  return found;
}
