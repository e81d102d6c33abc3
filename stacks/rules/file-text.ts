import type { TerraformStack } from "cdktf";
import type { IValidation } from "constructs";
import { formatProblem } from "../../config/errors";
import { freeTextSources, type FreeTextSource } from "../../config/free-text";
import type { Organisation } from "../../config/schema";
import { liveSequences } from "../../constructs/host/interpolations";
import { blocksOf, type Block, type TerraformJson } from "./block-graph";

/**
 * Text from an organisation file must reach Terraform as text (issue 20): a `${...}` or `%{...}` that
 * Terraform would evaluate may only come from the constructs, never from a file. This finds every sequence
 * Terraform evaluates in the synthesized stack that stands in a free-text value of the file, and names the
 * file, line and field it came from. The constructs make no `%{...}` directives, so any other one is refused
 * too, with the construct that made it.
 */
export class FileTextRule implements IValidation {
  constructor(
    private readonly stack: TerraformStack,
    private readonly organisation: Organisation,
  ) {}

  validate(): string[] {
    const sources = freeTextSources(this.organisation);
    const fromFiles = new Map<FreeTextSource, { sequences: Set<string>; places: Set<string> }>();
    const directives: string[] = [];
    for (const block of blocksOf(this.stack.toTerraform() as TerraformJson)) {
      for (const { at, value, sequences } of block.strings) {
        if (sequences.length === 0) continue;
        for (const sequence of liveSequences(value)) {
          const source = sources.find((s) => s.text.includes(sequence));
          if (source) {
            const found = fromFiles.get(source) ?? { sequences: new Set(), places: new Set() };
            found.sequences.add(sequence);
            found.places.add(`${block.address} ${at} (${block.path})`);
            fromFiles.set(source, found);
          } else if (sequence.startsWith("%{")) directives.push(directive(sequence, block, at));
        }
      }
    }
    return [...[...fromFiles].map(([source, found]) => fromFile(source, found)), ...new Set(directives)];
  }
}

function fromFile(source: FreeTextSource, found: { sequences: Set<string>; places: Set<string> }): string {
  const places = [...found.places];
  const shown = places.slice(0, 3).join(", ") + (places.length > 3 ? ` and ${places.length - 3} more` : "");
  return formatProblem({
    file: source.file,
    line: source.line,
    path: source.path.join("."),
    message:
      `holds ${[...found.sequences].join(" ")}, which reached ${shown} as Terraform code, which a plan would ` +
      "run on the machine that plans. Remove the '${' or '%{' from the value; and report this: text from a " +
      "file must reach the stack through literalFreeText (constructs/host/terraform-literal.ts).",
  });
}

function directive(sequence: string, block: Block, at: string): string {
  return (
    `${block.path} (${block.address}) ${at}: holds the template directive ${sequence}, which no construct ` +
    "makes: text placed in the stack was not escaped; pass it through terraformLiteral " +
    "(constructs/host/terraform-literal.ts)."
  );
}
