import {
  DefaultTokenResolver,
  Lazy,
  StringConcat,
  Testing,
  TerraformStack,
  Token,
  Tokenization,
} from "cdktf";
import { readScriptFolder } from "../../../constructs/bootstrap/script-files";
import { mayHoldToken } from "../../../constructs/host/token-text";
import "../../support/temp-dir";

const stack = new TerraformStack(Testing.app(), "tokens");
/** As a stack resolves its elements. */
const resolve = (text: string): unknown =>
  Tokenization.resolve(text, {
    scope: stack,
    preparing: false,
    resolver: new DefaultTokenResolver(new StringConcat()),
  });

describe("which strings HostFiles and the stack's resolution hand to cdktf", () => {
  it.each([
    ["a string token", Lazy.stringValue({ produce: () => "made at synth" }), "made at synth"],
    ["a token in text", `before ${Lazy.stringValue({ produce: () => "x" })} after`, "before x after"],
    [
      // Written into text, a number token is the double cdktf encodes it as: "-1.88...e+289".
      "a number token in text",
      `port ${Lazy.numberValue({ produce: () => 8080 })}`,
      "port 8080",
    ],
  ])("%s: cdktf resolves it, so it is handed over", (_name, text, resolved) => {
    expect(resolve(text)).toBe(resolved);
    expect(mayHoldToken(text)).toBe(true);
  });

  it.each([
    ["a list token's element", Token.asList(Lazy.listValue({ produce: () => ["a"] }))[0]],
    ["a string map token", Token.STRING_MAP_TOKEN_VALUE],
    ["an any map token", Token.ANY_MAP_TOKEN_VALUE],
  ])("%s where text belongs: cdktf refuses it, so it is handed over", (_name, text) => {
    expect(() => resolve(text)).toThrow(/[Tt]oken/);
    expect(mayHoldToken(text)).toBe(true);
  });

  it.each([
    "plain text",
    "Terraform's own ${var.x} and $${escaped} and %{ if true }x%{ endif }",
    "numbers: 1e5 3.2e-4 0x1F -8",
    ...readScriptFolder("scripts/bootstrap").map((s) => s.content),
    ...readScriptFolder("scripts/host").map((s) => s.content),
  ])("text cdktf leaves as it is is not handed over (%#)", (text) => {
    expect(mayHoldToken(text)).toBe(false);
    expect(resolve(text)).toBe(text);
  });
});
