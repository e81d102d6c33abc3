import { loadOrganisations } from "../../../config/load";
import { ORGANISATIONS_DIR, synthOrganisation } from "../../support/organisations";

/*
 * A docker resource lives on one machine, but its state only holds an id: when the server is replaced,
 * nothing in a docker resource's arguments changes, so without a tie to the machine its containers would
 * come back only after a refresh found them gone, on a second apply.
 */
describe.each(
  loadOrganisations(ORGANISATIONS_DIR).map((o) => [o.organisation.name, o.organisation] as const),
)("org-%s: every docker resource is replaced with its machine", (_name, organisation) => {
  const synth = synthOrganisation(organisation);
  const dockerResources = Object.entries<Record<string, Record<string, any>>>(synth.resource)
    .filter(([type]) => type.startsWith("docker_"))
    .flatMap(([type, blocks]) => Object.entries(blocks).map(([name, block]) => ({ type, name, block })));
  const machines = synth.resource.terraform_data as Record<string, { triggers_replace?: { id?: string } }>;

  it("names its host's machine identity in replace_triggered_by, as a bare address", () => {
    expect(dockerResources.length).toBeGreaterThan(10);
    const byProvider = new Map<string, Set<string>>();
    for (const { type, name, block } of dockerResources) {
      const triggers: string[] = block.lifecycle?.replace_triggered_by ?? [];
      expect({ resource: `${type}.${name}`, triggers }).toEqual({
        resource: `${type}.${name}`,
        triggers: [expect.stringMatching(/^terraform_data\.[\w-]+$/)],
      });
      const set = byProvider.get(block.provider) ?? new Set();
      set.add(triggers[0]);
      byProvider.set(block.provider, set);
    }
    // One identity per host, and each host's own.
    const identities = [...byProvider.values()].map((set) => [...set]);
    expect(identities.every((list) => list.length === 1)).toBe(true);
    expect(new Set(identities.flat()).size).toBe(byProvider.size);
  });

  it("replaces that identity with the machine, and with nothing else (not with a bootstrap re-run)", () => {
    const addresses = new Set(
      dockerResources.map(({ block }) => block.lifecycle.replace_triggered_by[0] as string),
    );
    for (const address of addresses) {
      const identity = machines[address.slice("terraform_data.".length)];
      expect(Object.keys(identity)).toEqual(["triggers_replace"]);
      expect(Object.keys(identity.triggers_replace ?? {})).toEqual(["id"]);
      // A Hetzner server's id, or an existing server's host key: what changes when the machine does.
      expect(identity.triggers_replace?.id).toMatch(/^(\$\{hcloud_server\.[\w-]+\.id\}|AAAA[\w+/=]+)$/);
    }
  });
});
