import type { TerraformStack } from "cdktf";
import type { IValidation } from "constructs";
import { blocksOf, type Block, type TerraformJson } from "./block-graph";

/** A docker_image's name pinned by digest: a literal sha256 digest, or one Terraform resolves at plan time. */
const PINNED_NAME = /^[^@\s]+@(sha256:[a-f0-9]{64}|\$\{[^}]+\})$/;
const IMAGE_ID = /^\$\{docker_image\.([\w-]+)\.image_id\}$/;

/**
 * Every container of the stack runs an image pulled by digest: its `image` is the id of a docker_image of the
 * stack whose name is repository@digest and which is pulled again when the digest changes. A tag alone would
 * let a new image upstream arrive silently on some later restart instead of showing in the plan. PinnedImage
 * (constructs/host/pinned-image.ts) builds images so; this check reads the synthesized JSON and fails
 * `cdktf synth` on a container or image made any other way, naming its construct path.
 */
export class PinnedImages implements IValidation {
  constructor(private readonly stack: TerraformStack) {}

  validate(): string[] {
    const blocks = blocksOf(this.stack.toTerraform() as TerraformJson);
    const images = new Map(
      blocks.filter((b) => b.address.startsWith("docker_image.")).map((b) => [b.address, b] as const),
    );
    const fix = "Pull it with PinnedImage (constructs/host/pinned-image.ts) and run the image's id.";
    return [
      ...[...images.values()].flatMap((image) => {
        const problem = unpinned(image);
        return problem ? [`${image.path} (${image.address}) ${problem}. ${fix}`] : [];
      }),
      ...blocks
        .filter((b) => b.address.startsWith("docker_container."))
        .flatMap((container) => {
          const image = container.config.image;
          const name = typeof image === "string" ? IMAGE_ID.exec(image)?.[1] : undefined;
          if (name !== undefined && images.has(`docker_image.${name}`)) return [];
          return [
            `${container.path} (${container.address}) runs image ${JSON.stringify(image ?? null)}, not the id of a docker_image of the stack pulled by digest. ${fix}`,
          ];
        }),
    ];
  }
}

/** Why a docker_image is not pinned by digest, or undefined when it is. */
function unpinned(image: Block): string | undefined {
  const name = image.config.name;
  if (typeof name !== "string" || !PINNED_NAME.test(name)) {
    return `is named ${JSON.stringify(name ?? null)}, not repository@digest`;
  }
  const digest = name.slice(name.indexOf("@") + 1);
  const triggers = image.config.pull_triggers;
  if (!Array.isArray(triggers) || triggers.length !== 1 || triggers[0] !== digest) {
    return `is not pulled again when its digest changes (pull_triggers ${JSON.stringify(triggers ?? null)}, not ["${digest}"])`;
  }
  return undefined;
}
