import { loadExample, synthOrganisation } from "../../support/organisations";

/*
 * A container with fixed names is replaced destroy-before-create, so every container an edit touches is down
 * for its stop grace and its start (300 s for a worker). An edit of a site's names must touch only the
 * containers that serve that name: the certificate and nginx's files carry the rest (issue 19, where adding
 * an alias replaced every container of the instance and the admin was down about 4.5 minutes).
 */
type Container = { name: string } & Record<string, unknown>;

function containers(edit?: (data: Record<string, any>) => void): Map<string, string> {
  const stack = synthOrganisation(loadExample("faalkaart", edit));
  const all = Object.values(stack.resource.docker_container as Record<string, Container>);
  return new Map(all.map((c) => [c.name, JSON.stringify(c)]));
}

const before = containers();
const changedBy = (edit: (data: Record<string, any>) => void) => {
  const after = containers(edit);
  return [...before].filter(([name, json]) => after.get(name) !== json).map(([name]) => name);
};

describe("an edit of a site's names changes only the containers that serve that name", () => {
  it("adding an alias changes no container: the alias only redirects, in nginx", () => {
    expect(changedBy((d) => d.instances.production.aliases.push("shop.faalkaart.nl"))).toEqual([]);
  });

  it("a new domain changes the instance's frontend and interactive app, not its admin or workers", () => {
    expect(changedBy((d) => (d.instances.production.domain = "kaart.faalkaart.nl")).sort()).toEqual([
      "failmap-production-frontend",
      "failmap-production-interactive",
    ]);
  });

  it("a new admin name changes the instance's admin, and Grafana, served under it", () => {
    expect(changedBy((d) => (d.instances.production.admin = "beheer.faalkaart.nl")).sort()).toEqual([
      "failmap-grafana",
      "failmap-production-admin",
    ]);
  });
});
