/*
 * URLs in an organisation file are written as RFC 3986 has them: only the characters a URI may hold, and `%`
 * only as the start of a %XX escape. That leaves no room for quotes, spaces, braces or `%{`, which a URL never
 * needs and which a shell, an env file or Terraform would read as something else.
 */

const URI_CHARACTERS = /^[A-Za-z0-9\-._~:/?#[\]@!$&'()*+,;=%]*$/;
const BAD_PERCENT = /%(?![0-9A-Fa-f]{2})/;

/** Why `url` holds characters a URI may not (RFC 3986, 2), with the fix; or undefined. */
export function urlCharactersProblem(url: string): string | undefined {
  const bad = [...url].find((c) => !URI_CHARACTERS.test(c));
  if (bad !== undefined) {
    const shown = /[\x21-\x7e]/.test(bad)
      ? `'${bad}'`
      : `U+${bad.codePointAt(0)!.toString(16).toUpperCase().padStart(4, "0")}`;
    return `holds ${shown}, which a URL may not hold as it is (RFC 3986); write it percent-encoded (${encodeURIComponent(bad)}) or remove it`;
  }
  if (BAD_PERCENT.test(url)) {
    return "holds a '%' that does not start a %XX escape (RFC 3986); write a literal '%' as %25";
  }
  return undefined;
}

/** `text` as a URL, or why it is not one: characters a URI may not hold, or else `notAUrl`. */
export function readUrl(text: string, notAUrl: string): URL | string {
  const characters = urlCharactersProblem(text);
  if (characters) return characters;
  try {
    return new URL(text);
  } catch {
    return notAUrl;
  }
}

/**
 * Why `url` is not an https URL with a host and only URI characters, or undefined. `example` shows what one
 * looks like in the message.
 */
export function httpsUrlProblem(text: string, example: string): string | undefined {
  const url = readUrl(text, `is not a URL; write an https URL such as ${example}`);
  if (typeof url === "string") return url;
  if (url.protocol !== "https:") {
    return `is a ${url.protocol} URL; only https URLs to a host are accepted, such as ${example}`;
  }
  return undefined;
}
