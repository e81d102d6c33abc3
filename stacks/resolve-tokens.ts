import { DefaultTokenResolver, StringConcat, Token, Tokenization } from "cdktf";
import type { IConstruct } from "constructs";
import { mayHoldToken, TOKEN_MARKER } from "../constructs/host/token-text";

/** The resolver cdktf's stacks resolve with. */
const RESOLVER = new DefaultTokenResolver(new StringConcat());
/** cdktf encodes a token in a number as a double of about -8e298 (-2e289 for a list): this size at least. */
const NUMBER_TOKEN_SIZE = 1e280;

const mayBeTokenNumber = (n: number) =>
  !(Math.abs(n) < NUMBER_TOKEN_SIZE) || n === Token.NUMBER_MAP_TOKEN_VALUE;

/** An element of a list that makes cdktf resolve the list as a whole. */
const mayBeListElementToken = (x: unknown) =>
  (typeof x === "string" && x.includes(TOKEN_MARKER)) || (typeof x === "number" && mayBeTokenNumber(x));

function isPlainObject(x: object): x is Record<string, unknown> {
  const prototype = Object.getPrototypeOf(x) as unknown;
  return (prototype === Object.prototype || prototype === null) && !Tokenization.isResolvable(x);
}

/**
 * What cdktf's resolution (Tokenization.resolve, as TerraformStack.toTerraform calls it) makes of `value`,
 * with cdktf resolving only the parts that may hold a token. cdktf's own walk creates two resolve contexts
 * and tests three regular expressions for every key and value of the stack, most of which are plain strings
 * and numbers; that walk was most of a stack's synth (bench/synth/RESULTS.md). Here plain objects and lists
 * are copied without their undefined entries, as cdktf does; a string, number, list or object that may hold
 * a token, and any other object (a token, a Date, a class instance), goes to cdktf as it is, with the same
 * scope. Under plain objects and lists cdktf passes nothing down but the path (for its messages), so each
 * such part resolves as it would inside the whole, in the same order.
 */
export function resolveTokens(scope: IConstruct, value: unknown): unknown {
  const cdktf = (part: unknown): unknown =>
    Tokenization.resolve(part, { scope, preparing: false, resolver: RESOLVER });
  const resolve = (part: unknown): unknown => {
    if (typeof part === "string") return mayHoldToken(part) ? cdktf(part) : part;
    if (typeof part === "number") return mayBeTokenNumber(part) ? cdktf(part) : part;
    if (typeof part !== "object" || part === null) return typeof part === "function" ? cdktf(part) : part;
    if (Array.isArray(part)) {
      if (part.some(mayBeListElementToken)) return cdktf(part);
      const list: unknown[] = [];
      for (const element of part) {
        const resolved = resolve(element);
        if (resolved !== undefined) list.push(resolved);
      }
      return list;
    }
    if (!isPlainObject(part) || Object.keys(part).some(mayHoldToken)) return cdktf(part);
    const object: Record<string, unknown> = {};
    for (const key of Object.keys(part)) {
      const resolved = resolve(part[key]);
      if (resolved !== undefined) object[key] = resolved;
    }
    return object;
  };
  return resolve(value);
}
