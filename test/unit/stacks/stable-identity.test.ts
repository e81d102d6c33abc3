import { loadExample, synthOrganisation } from "../../support/organisations";

/*
 * An instance's resources follow from its name (and its slot), never from its place in the file: adding,
 * moving or removing one instance must not replace a container of another.
 */
function resourcesOfInstance(synth: Record<string, any>, instance: string): Record<string, unknown> {
  const mine: Record<string, unknown> = {};
  for (const [type, blocks] of Object.entries<Record<string, any>>(synth.resource)) {
    // Construct IDs name the instance: instance-production_..., database-production_..., ...
    for (const [name, block] of Object.entries(blocks)) {
      if (new RegExp(`(^|[-_])${instance}[-_]`).test(name)) mine[`${type}.${name}`] = block;
    }
  }
  return mine;
}

describe("inserting an instance", () => {
  const before = synthOrganisation(loadExample());
  const acceptance = {
    domain: "acceptance.faalkaart.nl",
    admin: "admin.acceptance.faalkaart.nl",
    image: "websecmap/websecmap:latest",
  };
  const placements: Record<string, (instances: Record<string, unknown>) => Record<string, unknown>> = {
    first: (i) => ({ acceptance, ...i }),
    "in the middle": ({ production, ...rest }) => ({ production, acceptance, ...rest }),
    last: (i) => ({ ...i, acceptance }),
  };

  it.each(Object.keys(placements))("%s changes no resource of the other instances", (where) => {
    const after = synthOrganisation(
      loadExample("faalkaart", (d) => (d.instances = placements[where](d.instances))),
    );
    for (const instance of ["production", "staging"]) {
      const was = resourcesOfInstance(before, instance);
      expect(Object.keys(was).length).toBeGreaterThan(10);
      expect(resourcesOfInstance(after, instance)).toEqual(was);
    }
  });
});
