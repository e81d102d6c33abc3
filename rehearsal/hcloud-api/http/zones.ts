import type { HcloudState } from "../state/state";
import { created, filters, ok, page } from "./replies";
import type { Request, Router } from "./router";
import type { Views } from "./views";

export function zoneRoutes(router: Router, state: HcloudState, views: Views): void {
  const { zones } = state;
  const zoneView = (zone: string) => views.zone(zones.zone(zone));
  const rrsetView = ({ params }: Request) =>
    views.rrset(zones.zone(params.zone), zones.rrset(params.zone, params.name, params.type));
  const rrsetAction =
    (
      change: (
        zone: string,
        name: string,
        type: string,
        body: Record<string, unknown>,
      ) => Parameters<Views["action"]>[0],
    ) =>
    ({ params, body }: Request) =>
      created({ action: views.action(change(params.zone, params.name, params.type, body)) });

  router
    .on("GET", "/zones", ({ query }) => {
      const mode = query.get("mode");
      const list = zones.records.list(filters(query)).filter((z) => mode === null || z.mode === mode);
      return page("zones", list, query, (z) => views.zone(z));
    })
    .on("POST", "/zones", ({ body }) => {
      const result = zones.create(body);
      return created({ zone: views.zone(result.zone), action: views.action(result.action) });
    })
    .on("GET", "/zones/:zone", ({ params }) => ok({ zone: zoneView(params.zone) }))
    .on("PUT", "/zones/:zone", ({ params, body }) =>
      ok({ zone: views.zone(zones.update(params.zone, body)) }),
    )
    .on("DELETE", "/zones/:zone", ({ params }) => ok({ action: views.action(zones.delete(params.zone)) }))
    .on("POST", "/zones/:zone/actions/change_protection", ({ params, body }) =>
      created({ action: views.action(zones.changeProtection(params.zone, body)) }),
    )
    .on("POST", "/zones/:zone/actions/change_ttl", ({ params, body }) =>
      created({ action: views.action(zones.changeTtl(params.zone, body)) }),
    )
    .on("GET", "/zones/:zone/rrsets", ({ params, query }) => {
      const zone = zones.zone(params.zone);
      const list = zones.rrsets(params.zone, { ...filters(query), types: query.getAll("type") });
      return page("rrsets", list, query, (r) => views.rrset(zone, r));
    })
    .on("POST", "/zones/:zone/rrsets", ({ params, body }) => {
      const result = zones.createRRSet(params.zone, body);
      return created({
        rrset: views.rrset(zones.zone(params.zone), result.rrset),
        action: views.action(result.action),
      });
    })
    .on("GET", "/zones/:zone/rrsets/:name/:type", (request) => ok({ rrset: rrsetView(request) }))
    .on("PUT", "/zones/:zone/rrsets/:name/:type", (request) => {
      const { params, body } = request;
      zones.updateRRSet(params.zone, params.name, params.type, body);
      return ok({ rrset: rrsetView(request) });
    })
    .on("DELETE", "/zones/:zone/rrsets/:name/:type", ({ params }) =>
      ok({ action: views.action(zones.deleteRRSet(params.zone, params.name, params.type)) }),
    )
    .on(
      "POST",
      "/zones/:zone/rrsets/:name/:type/actions/change_protection",
      rrsetAction((...a) => zones.changeRRSetProtection(...a)),
    )
    .on(
      "POST",
      "/zones/:zone/rrsets/:name/:type/actions/change_ttl",
      rrsetAction((...a) => zones.changeRRSetTtl(...a)),
    )
    .on(
      "POST",
      "/zones/:zone/rrsets/:name/:type/actions/set_records",
      rrsetAction((...a) => zones.setRecords(...a)),
    )
    .on(
      "POST",
      "/zones/:zone/rrsets/:name/:type/actions/add_records",
      rrsetAction((...a) => zones.addRecords(...a)),
    )
    .on(
      "POST",
      "/zones/:zone/rrsets/:name/:type/actions/remove_records",
      rrsetAction((...a) => zones.removeRecords(...a)),
    )
    .on(
      "POST",
      "/zones/:zone/rrsets/:name/:type/actions/update_records",
      rrsetAction((...a) => zones.updateRecords(...a)),
    );
}
