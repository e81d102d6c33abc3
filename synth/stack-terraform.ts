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
 * an undefined value removes the key, anything else (a token too) replaces.
 */
export function mergeInto(target: Json, source: Json): Json {
  for (const [key, value] of Object.entries(source)) {
    const at = target[key];
    if (value === undefined) delete target[key];
    else if (Array.isArray(value)) target[key] = Array.isArray(at) ? [...(at as unknown[]), ...value] : value;
    else if (isMergeable(value)) {
      if (typeof at !== "object" || at === null) target[key] = {};
      mergeInto(target[key] as Json, value);
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
 * resolveTokens, and the merged stack is walked once more only as resolveTokens walks: cheaply, with cdktf
 * resolving the overrides' tokens. test/unit/stacks/stack-terraform.test.ts compares both on whole stacks.
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
  for (const meta of elements.map((e) => resolveTokens(stack, e.toMetadata()) as Json))
    mergeInto(metadata, meta);
  const outputs: Json = {};
  for (const e of elements) if (TerraformOutput.isTerraformOutput(e)) mergeInto(outputs, outputTree(e));

  const tf: Json = { "//": { metadata, outputs } };
  for (const fragment of elements.map((e) => resolveTokens(stack, e.toTerraform()) as Json)) {
    mergeInto(tf, fragment);
  }
  mergeInto(tf, overrides);
  return resolveTokens(stack, tf) as Json;
}
