import { Token } from "cdktf";

/** Every marker of a string, list or map token contains this. */
export const TOKEN_MARKER = "TfToken[";
/**
 * cdktf encodes a token in a number as a double of about -8e298 (-2e289 for a list), which a string holds as
 * "-8.1...e+298": a string that holds a token number holds "e+".
 */
const NUMBER_TOKEN_TEXT = "e+";

/**
 * Whether cdktf's resolution could change the string, or refuse it (a map token where text belongs). Any
 * other string resolves to itself, so it need not be handed to cdktf, whose scan of a long text (a script, a
 * config file) tests several regular expressions over all of it.
 */
export const mayHoldToken = (s: string): boolean =>
  s.includes(TOKEN_MARKER) ||
  s.includes(NUMBER_TOKEN_TEXT) ||
  s === Token.STRING_MAP_TOKEN_VALUE ||
  s === Token.ANY_MAP_TOKEN_VALUE;
