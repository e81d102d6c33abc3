import type { IValidation } from "constructs";
import type { TerraformStack } from "cdktf";
import { blocksOf, findCycle, type Block, type TerraformJson } from "./block-graph";
import { expressionProblem } from "./expression-syntax";

/**
 * Rules that only the whole synthesized stack can break, checked at synth so that `cdktf synth` fails with
 * the construct paths instead of Terraform failing later: no dependency cycle, no text that is not an
 * expression inside `${...}`, and no Hetzner name or key twice (Hetzner answers `uniqueness_error`).
 */
export class TerraformRules implements IValidation {
  constructor(private readonly stack: TerraformStack) {}

  validate(): string[] {
    const blocks = blocksOf(this.stack.toTerraform() as TerraformJson);
    return [...cycleErrors(blocks), ...expressionErrors(blocks), ...hetznerUniquenessErrors(blocks)];
  }
}

function cycleErrors(blocks: readonly Block[]): string[] {
  const cycle = findCycle(blocks);
  if (!cycle) return [];
  const around = [...cycle, cycle[0]].map((b) => `${b.path} (${b.address})`).join("\n    needs ");
  return [
    `a dependency cycle, which Terraform refuses ("Error: Cycle"):\n    ${around}\n` +
      "  Break it where one block needs only a value that can exist first (an address, an id), for example " +
      "with a resource that is created before both, or an attachment made after both.",
  ];
}

function expressionErrors(blocks: readonly Block[]): string[] {
  // Stacks repeat expressions (an address, a certificate) many times: each distinct one is read once.
  const problems = new Map<string, string | undefined>();
  const problemOf = (expression: string) => {
    if (!problems.has(expression)) problems.set(expression, expressionProblem(expression));
    return problems.get(expression);
  };
  return blocks.flatMap((block) =>
    block.strings.flatMap(({ at, sequences }) =>
      sequences.flatMap(({ expression, directive }) => {
        const problem = directive ? undefined : problemOf(expression);
        return problem
          ? [
              `${block.path} (${block.address}) ${at}: \${...} does not hold a Terraform expression: ${problem}. ` +
                "A token's raw text was probably pasted into an expression; quote it, or hash it in TypeScript.",
            ]
          : [];
      }),
    ),
  );
}

/**
 * Hetzner names are unique per project and kind (an RRset's per zone, name and type), and an SSH key's
 * fingerprint is too.
 */
function hetznerUniquenessErrors(blocks: readonly Block[]): string[] {
  const seen = new Map<string, Block>();
  const errors: string[] = [];
  for (const block of blocks) {
    const type = /^(hcloud_[a-z_]+)\./.exec(block.address)?.[1];
    if (!type) continue;
    const { name, zone, type: recordType } = block.config as Record<string, string>;
    const keys = [
      type === "hcloud_zone_rrset" ? `${type} '${name}' ${recordType} in ${zone}` : `${type} name '${name}'`,
    ];
    if (type === "hcloud_ssh_key") keys.push(`hcloud_ssh_key public key '${block.config.public_key}'`);
    for (const key of keys.filter(() => typeof name === "string")) {
      const first = seen.get(key);
      if (first) {
        errors.push(
          `${block.path} and ${first.path}: the same ${key}; Hetzner refuses the second one ` +
            "(uniqueness_error). Create it once and share it.",
        );
      } else seen.set(key, block);
    }
  }
  return errors;
}
