import { datacenterName } from "../state/catalogue";
import { notFound } from "../state/errors";
import type { HcloudState } from "../state/state";
import { ok, page } from "./replies";
import type { Router } from "./router";
import type { Views } from "./views";

/** The read-only lookups the provider does before and after creating a server. */
export function catalogueRoutes(router: Router, state: HcloudState, views: Views): void {
  const { locations, serverTypes, images } = state.catalogue;
  const byId = <T extends { id: number }>(items: readonly T[], kind: string, id: string): T => {
    const item = items.find((i) => String(i.id) === id);
    if (!item) throw notFound(kind, id);
    return item;
  };
  const named = <T extends { name: string }>(items: readonly T[], query: URLSearchParams) => {
    const name = query.get("name");
    return items.filter((i) => name === null || i.name === name);
  };
  const datacenters = () =>
    locations.map((location) => ({ name: datacenterName(location.name), id: location.id, location }));

  router
    .on("GET", "/locations", ({ query }) => page("locations", named(locations, query), query, (l) => l))
    .on("GET", "/locations/:id", ({ params }) => ok({ location: byId(locations, "location", params.id) }))
    .on("GET", "/datacenters", ({ query }) =>
      page("datacenters", named(datacenters(), query), query, (d) => views.datacenter(d.location)),
    )
    .on("GET", "/datacenters/:id", ({ params }) =>
      ok({ datacenter: views.datacenter(byId(datacenters(), "datacenter", params.id).location) }),
    )
    .on("GET", "/server_types", ({ query }) =>
      page("server_types", named(serverTypes, query), query, (t) => views.serverType(t)),
    )
    .on("GET", "/server_types/:id", ({ params }) =>
      ok({ server_type: views.serverType(byId(serverTypes, "server type", params.id)) }),
    )
    .on("GET", "/images", ({ query }) => {
      const architectures = query.getAll("architecture");
      const types = query.getAll("type");
      const list = named(images, query).filter(
        (i) =>
          (architectures.length === 0 || architectures.includes(i.architecture)) &&
          (types.length === 0 || types.includes("system")),
      );
      return page("images", list, query, (i) => views.image(i));
    })
    .on("GET", "/images/:id", ({ params }) => ok({ image: views.image(byId(images, "image", params.id)) }));
}
