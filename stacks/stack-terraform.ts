import { TerraformElement, TerraformOutput, TerraformStack, Tokenization } from "cdktf";
import type { IConstruct } from "constructs";
import { resolveTokens } from "./resolve-tokens";

type Json = Record<string, unknown>;

/** The stack's Terraform elements in construct order, not those of a stack nested in it. */
function elementsOf(stack: TerraformStack): TerraformElement[] {
  const elements: TerraformElement[] = [];
  const visit = (node: IConstruct) => {
    if (TerraformElement.isTerraformElement(node)) elements.push(node);
    for (const child of node.node.children) if (!TerraformStack.isStack(child)) visit(child);
  };
  visit(stack);
  return elements;
}

const isMergeable = (x: unknown): x is Json =>
  typeof x === "object" && x !== null && !Array.isArray(x) && !Tokenization.isResolvable(x);

/**
 * Merges `source` into `target` as cdktf merges a stack's parts: objects key by key, lists one after the other,
 * an undefined value removes the key, anything else (a token too) replaces. An `owned` source (a resolved
 * fragment, made for this merge) is taken as it is where `target` has nothing yet, instead of copied.
 */
export function mergeInto(target: Json, source: Json, owned = false): Json {
  for (const key of Object.keys(source)) {
    const value = source[key];
    const at = target[key];
    if (value === undefined) delete target[key];
    else if (Array.isArray(value)) target[key] = Array.isArray(at) ? [...(at as unknown[]), ...value] : value;
    else if (isMergeable(value)) {
      if (owned && at === undefined) target[key] = value;
      else {
        if (typeof at !== "object" || at === null) target[key] = {};
        mergeInto(target[key] as Json, value, owned);
      }
    } else target[key] = value;
  }
  return target;
}

/** `{ a: { b: { c: id } } }` for an output at a/b/c: the tree of outputs cdktf writes into the stack's metadata. */
function outputTree(output: TerraformOutput): Json {
  return output.node.path
    .split("/")
    .reduceRight<unknown>((inner, part) => ({ [part]: inner }), output.friendlyUniqueId) as Json;
}

/**
 * What cdktf's TerraformStack.toTerraform returns for `stack`, with `overrides` (the stack's own overrides, as
 * addOverride set them), resolving each token once. cdktf resolves every element and then the whole stack
 * again, already resolved, to reach the tokens of the stack's overrides; a second walk of every key and value
 * (about a quarter of its toTerraform). Here the elements are resolved as cdktf resolves them, with
 * resolveTokens, and of the merged stack only the parts the overrides reach (and the metadata) are resolved
 * again. test/unit/stacks/stack-terraform.test.ts compares both on whole stacks.
 */
export function stackTerraform(stack: TerraformStack, overrides: Json): Json {
  const elements = elementsOf(stack);
  const metadata: Json = {
    version: stack.node.tryGetContext("cdktfVersion") as unknown,
    stackName: stack.node.id,
    backend: "local",
    cloud: undefined,
    ...(Object.keys(overrides).length > 0 ? { overrides: { stack: Object.keys(overrides) } } : {}),
  };
  for (const meta of elements.map((e) => resolveTokens(stack, e.toMetadata()) as Json)) {
    mergeInto(metadata, meta, true);
  }
  const outputs: Json = {};
  for (const e of elements) {
    if (TerraformOutput.isTerraformOutput(e)) mergeInto(outputs, outputTree(e), true);
  }

  const tf: Json = { "//": { metadata, outputs } };
  for (const fragment of elements.map((e) => resolveTokens(stack, e.toTerraform()) as Json)) {
    mergeInto(tf, fragment, true);
  }
  mergeInto(tf, overrides);
  // Resolving the resolved fragments again changes nothing (cdktf resolves what a token returns until no token
  // is left): what may still change is what the overrides brought in, and the metadata's undefined `cloud`.
  for (const key of new Set(["//", ...Object.keys(overrides)])) {
    const resolved = resolveTokens(stack, tf[key]);
    if (resolved === undefined) delete tf[key];
    else tf[key] = resolved;
  }
  return tf;
}
