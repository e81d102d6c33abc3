import type { Block } from "./block-graph";

/** A string attribute of a block: its dotted path within the block, and its value. */
export interface StringAttribute {
  readonly at: string;
  readonly value: string;
}

/** Every string attribute of a block, nested ones (provisioners, lists) included; cdktf's metadata is not. */
export function stringAttributes(block: Block): StringAttribute[] {
  const found: StringAttribute[] = [];
  const visit = (value: unknown, at: string) => {
    if (typeof value === "string") found.push({ at, value });
    else if (Array.isArray(value)) value.forEach((v, i) => visit(v, `${at}[${i}]`));
    else if (value && typeof value === "object") {
      for (const [k, v] of Object.entries(value)) if (k !== "//") visit(v, at ? `${at}.${k}` : k);
    }
  };
  visit(block.config, "");
  return found;
}
