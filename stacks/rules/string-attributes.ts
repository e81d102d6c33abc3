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

/** A block of the synthesized stack (block-graph.ts): its configuration is what is read. */
interface Configured {
  readonly config: Record<string, unknown>;
}

/** Each rule reads every string of every block: the walk and the scan for sequences are made once a block. */
const read = new WeakMap<Configured, readonly StringAttribute[]>();

/** Every string attribute of a block, nested ones (provisioners, lists) included; cdktf's metadata is not. */
export function stringAttributes(block: Configured): readonly StringAttribute[] {
  const known = read.get(block);
  if (known) return known;
  const found: StringAttribute[] = [];
  const visit = (value: unknown, at: string, key?: string) => {
    if (typeof value === "string") {
      // Most strings hold no sequence, and a sequence needs a brace.
      found.push({ at, key, value, sequences: value.includes("{") ? templateSequences(value) : [] });
    } else if (Array.isArray(value)) value.forEach((v, i) => visit(v, `${at}[${i}]`, key));
    else if (value && typeof value === "object") {
      for (const [k, v] of Object.entries(value)) if (k !== "//") visit(v, at ? `${at}.${k}` : k, k);
    }
  };
  visit(block.config, "");
  read.set(block, found);
  return found;
}
