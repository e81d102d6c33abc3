import { loadOrganisations } from "../../../config/load";
import { ORGANISATIONS_DIR, synthOrganisation } from "../../support/organisations";

/*
 * The stack's policy (stacks/aspects/after-bootstrap.ts): a docker resource on a host waits for that host's
 * bootstrap, which installs Docker and the deploy user the docker provider logs in as. Without the wait, the
 * first apply on a new server would pull images and start containers against a host with no Docker.
 */
describe.each(
  loadOrganisations(ORGANISATIONS_DIR).map((o) => [o.organisation.name, o.organisation] as const),
)("org-%s: every docker resource waits for its host's bootstrap", (_name, organisation) => {
  const synth = synthOrganisation(organisation);
  const bootstraps = Object.entries<{ provisioner?: unknown }>(synth.resource.null_resource)
    .filter(([name]) => /^bootstrap(-[\w-]+)?_bundle_files_/.test(name))
    .map(([name]) => `null_resource.${name}`);
  const dockerResources = Object.entries<Record<string, { depends_on?: string[]; provider: string }>>(
    synth.resource,
  )
    .filter(([type]) => type.startsWith("docker_"))
    .flatMap(([type, blocks]) => Object.entries(blocks).map(([name, block]) => ({ type, name, block })));

  it("names a host's bootstrap first among its dependencies", () => {
    expect(dockerResources.length).toBeGreaterThan(10);
    for (const { type, name, block } of dockerResources) {
      expect({ resource: `${type}.${name}`, first: block.depends_on?.[0] }).toEqual({
        resource: `${type}.${name}`,
        first: expect.stringMatching(new RegExp(`^(${bootstraps.join("|")})$`)),
      });
    }
  });

  it("waits for the bootstrap of the host whose docker provider manages it", () => {
    const bootstrapOf = new Map<string, Set<string>>();
    for (const { block } of dockerResources) {
      const set = bootstrapOf.get(block.provider) ?? new Set();
      set.add(block.depends_on![0]);
      bootstrapOf.set(block.provider, set);
    }
    expect([...bootstrapOf.values()].every((set) => set.size === 1)).toBe(true);
  });
});
