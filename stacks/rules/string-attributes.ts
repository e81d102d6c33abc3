import { templateSequences, type Interpolation } from "../../constructs/host/interpolations";

/** A string attribute of a block: its dotted path within the block, its value and what Terraform evaluates in it. */
export interface StringAttribute {
  readonly at: string;
  /** The name of the attribute or map key that holds it (for a list item, the list's). */
  readonly key?: string;
  readonly value: string;
  /** Its `${...}` and `%{...}` sequences (templateSequences). */
  readonly sequences: readonly Interpolation[];
}

/** What most strings hold: no sequence. One list for all of them. */
const NO_SEQUENCES: readonly Interpolation[] = [];

/**
 * Every string attribute of a block's configuration, nested ones (provisioners, lists) included; cdktf's metadata
 * is not. A stack has some 4,000 values: the walk takes the keys and indexes as they are, without Object.entries'
 * pairs or a callback per list item. Read once a block, when the block is (blocksOf).
 */
export function stringAttributes(config: Record<string, unknown>): StringAttribute[] {
  const found: StringAttribute[] = [];
  const visit = (value: unknown, at: string, key?: string) => {
    if (typeof value === "string") {
      // Most strings hold no sequence, and a sequence needs a brace.
      found.push({
        at,
        key,
        value,
        sequences: value.includes("{") ? templateSequences(value) : NO_SEQUENCES,
      });
    } else if (Array.isArray(value)) {
      for (let i = 0; i < value.length; i++) visit(value[i], `${at}[${i}]`, key);
    } else if (value && typeof value === "object") {
      const object = value as Record<string, unknown>;
      for (const k of Object.keys(object)) if (k !== "//") visit(object[k], at ? `${at}.${k}` : k, k);
    }
  };
  visit(config, "");
  return found;
}
