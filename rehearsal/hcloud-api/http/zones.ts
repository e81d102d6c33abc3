import type { Action } from "../state/actions";
import type { HcloudState } from "../state/state";
import type { Zones } from "../state/zones";
import { created, filters, ok, page } from "./replies";
import type { Request, Router } from "./router";
import type { Views } from "./views";

type Body = Record<string, unknown>;

/** `POST /zones/{zone}/actions/<name>`. */
const ZONE_ACTIONS: Record<string, (zones: Zones, zone: string, body: Body) => Action> = {
  change_protection: (zones, zone, body) => zones.changeProtection(zone, body),
  change_ttl: (zones, zone, body) => zones.changeTtl(zone, body),
};

/** `POST /zones/{zone}/rrsets/{name}/{type}/actions/<name>`. */
const RRSET_ACTIONS: Record<
  string,
  (zones: Zones, zone: string, name: string, type: string, body: Body) => Action
> = {
  change_protection: (zones, ...args) => zones.changeRRSetProtection(...args),
  change_ttl: (zones, ...args) => zones.changeRRSetTtl(...args),
  set_records: (zones, ...args) => zones.setRecords(...args),
  add_records: (zones, ...args) => zones.addRecords(...args),
  remove_records: (zones, ...args) => zones.removeRecords(...args),
  update_records: (zones, ...args) => zones.updateRecords(...args),
};

export function zoneRoutes(router: Router, state: HcloudState, views: Views): void {
  const { zones } = state;
  const rrsetView = ({ params }: Request) =>
    views.rrset(zones.zone(params.zone), zones.rrset(params.zone, params.name, params.type));

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
    .on("GET", "/zones/:zone", ({ params }) => ok({ zone: views.zone(zones.zone(params.zone)) }))
    .on("PUT", "/zones/:zone", ({ params, body }) =>
      ok({ zone: views.zone(zones.update(params.zone, body)) }),
    )
    .on("DELETE", "/zones/:zone", ({ params }) => ok({ action: views.action(zones.delete(params.zone)) }))
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
    );
  for (const [name, start] of Object.entries(ZONE_ACTIONS)) {
    router.on("POST", `/zones/:zone/actions/${name}`, ({ params, body }) =>
      created({ action: views.action(start(zones, params.zone, body)) }),
    );
  }
  for (const [name, start] of Object.entries(RRSET_ACTIONS)) {
    router.on("POST", `/zones/:zone/rrsets/:name/:type/actions/${name}`, ({ params, body }) =>
      created({ action: views.action(start(zones, params.zone, params.name, params.type, body)) }),
    );
  }
}
