import { Testing } from "cdktf";
import { freezeImageLookups } from "../../../constructs/host/image-lookup";
import { OrganisationStack } from "../../../stacks/organisation-stack";
import { loadExample } from "../../support/organisations";

function synthFaalkaart(frozen: boolean): Record<string, any> {
  const app = Testing.app();
  if (frozen) freezeImageLookups(app);
  return JSON.parse(Testing.synth(new OrganisationStack(app, { organisation: loadExample("faalkaart") })));
}

/** Every block that reads a registry lookup (data.docker_registry_image) directly. */
function lookupReaders(synth: Record<string, any>): string[] {
  return Object.entries<Record<string, unknown>>(synth.resource).flatMap(([type, blocks]) =>
    Object.entries(blocks)
      .filter(([, block]) => JSON.stringify(block).includes("data.docker_registry_image."))
      .map(([name]) => `${type}.${name}`),
  );
}

const looksUp = (image: Record<string, any>) => JSON.stringify(image).includes("data.docker_registry_image.");

describe("images looked up by tag", () => {
  it("follow the registry in a reviewed deploy: a new digest upstream shows as a change", () => {
    const images = Object.values<Record<string, any>>(synthFaalkaart(false).resource.docker_image);
    expect(images.filter(looksUp).length).toBeGreaterThan(0);
    for (const image of images) expect(image.lifecycle.ignore_changes).toBeUndefined();
  });

  describe("frozen, as the scheduled renewal job plans them", () => {
    const synth = synthFaalkaart(true);
    const images = Object.entries<Record<string, any>>(synth.resource.docker_image);

    it("keep the digest in state: the image ignores a new name and pull trigger", () => {
      const lookedUp = images.filter(([, image]) => looksUp(image));
      expect(lookedUp.length).toBeGreaterThan(0);
      for (const [, image] of lookedUp) {
        expect(image.lifecycle.ignore_changes).toEqual(["name", "pull_triggers"]);
      }
    });

    it("reach nothing else straight from the registry: env files and hosts read the image's own digest", () => {
      expect(lookupReaders(synth).filter((address) => !address.startsWith("docker_image."))).toEqual([]);
    });
  });
});
