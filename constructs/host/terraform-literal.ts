import { Token, type IResolvable, type IResolveContext } from "cdktf";
import { mapFreeText } from "../../config/free-text";
import type { Organisation } from "../../config/schema";

/**
 * Terraform reads `${...}` and `%{...}` in any string as a template. Files and commands placed on a host
 * (shell scripts, nginx configs) use both forms literally, so they are escaped to `$${` and `%%{`, except for
 * cdktf's own token markers, which must still resolve to references (a certificate, a password).
 */
export function terraformLiteral(text: string): string {
  return text.replace(/\$\{(?!TfToken\[)/g, () => "$${").replace(/%\{/g, () => "%%{");
}

/** `text` as a quoted string of Terraform's expression syntax, whose value is exactly `text`. */
function hclString(text: string): string {
  // eslint-disable-next-line no-control-regex -- control characters are what it escapes
  const escaped = text.replace(/[\\"\u0000-\u001f\u007f]|\$\{|%\{/g, (c) => {
    if (c === "${" || c === "%{") return `${c[0]}${c}`;
    if (c === "\\" || c === '"') return `\\${c}`;
    if (c === "\n") return "\\n";
    if (c === "\r") return "\\r";
    if (c === "\t") return "\\t";
    return `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`;
  });
  return `"${escaped}"`;
}

/**
 * Text from an organisation file, as a token that resolves to that text for Terraform wherever it lands: in
 * a string attribute, as a template with `${` and `%{` escaped; inside an expression (a yamlencode argument),
 * as a quoted string. So the text is never Terraform code, whatever it holds and whichever construct places
 * it. Files rendered on a host may embed it: HostFiles escapes the text around tokens, not the token. cdktf
 * would resolve its own token markers inside the text too; config/text-characters.ts refuses them in a file.
 */
class FileText implements IResolvable {
  readonly creationStack: string[] = [];

  constructor(private readonly text: string) {}

  resolve(context: IResolveContext): string {
    return context.suppressBraces ? hclString(this.text) : terraformLiteral(this.text);
  }

  toString(): string {
    return Token.asString(this);
  }
}

/** One token per text, so that equal texts stay equal strings (users-file.ts merges duplicate keys). */
const tokens = new Map<string, string>();

/** The token that carries `text` from a file into the stack as a literal. */
export function fileText(text: string): string {
  let token = tokens.get(text);
  if (token === undefined) {
    token = Token.asString(new FileText(text));
    tokens.set(text, token);
  }
  return token;
}

/**
 * The one boundary where an organisation file becomes construct input: its free text (config/free-text.ts)
 * becomes fileText tokens. Everything else in the file is a strict token (a name, a domain, a network), which
 * the schema checks can hold neither quotes nor `${` nor `%{`.
 */
export function literalFreeText(organisation: Organisation): Organisation {
  return mapFreeText(organisation, fileText);
}
