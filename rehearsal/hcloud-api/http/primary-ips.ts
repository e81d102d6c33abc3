import type { HcloudState } from "../state/state";
import { created, filters, idParam, noContent, ok, page } from "./replies";
import type { Router } from "./router";
import type { Views } from "./views";

export function primaryIpRoutes(router: Router, state: HcloudState, views: Views): void {
  const { primaryIps } = state;
  const id = (params: Record<string, string>) => idParam(params.id, "primary IP");

  router
    .on("GET", "/primary_ips", ({ query }) => {
      const ip = query.get("ip");
      const list = primaryIps.records.list(filters(query)).filter((p) => ip === null || p.ip === ip);
      return page("primary_ips", list, query, (p) => views.primaryIp(p));
    })
    .on("POST", "/primary_ips", ({ body }) => {
      const result = primaryIps.create(body);
      return created({
        primary_ip: views.primaryIp(result.primaryIp),
        action: result.action && views.action(result.action),
      });
    })
    .on("GET", "/primary_ips/:id", ({ params }) =>
      ok({ primary_ip: views.primaryIp(primaryIps.records.get(id(params))) }),
    )
    .on("PUT", "/primary_ips/:id", ({ params, body }) =>
      ok({ primary_ip: views.primaryIp(primaryIps.update(id(params), body)) }),
    )
    .on("DELETE", "/primary_ips/:id", ({ params }) => {
      primaryIps.delete(id(params));
      return noContent;
    })
    .on("POST", "/primary_ips/:id/actions/assign", ({ params, body }) =>
      created({ action: views.action(primaryIps.assign(id(params), body)) }),
    )
    .on("POST", "/primary_ips/:id/actions/unassign", ({ params }) =>
      created({ action: views.action(primaryIps.unassign(id(params))) }),
    )
    .on("POST", "/primary_ips/:id/actions/change_protection", ({ params, body }) =>
      created({ action: views.action(primaryIps.changeProtection(id(params), body)) }),
    )
    .on("POST", "/primary_ips/:id/actions/change_dns_ptr", ({ params, body }) =>
      created({ action: views.action(primaryIps.changeDnsPtr(id(params), body)) }),
    );
}
