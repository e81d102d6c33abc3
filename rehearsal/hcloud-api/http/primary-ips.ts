import type { Action } from "../state/actions";
import type { PrimaryIps } from "../state/primary-ips";
import type { HcloudState } from "../state/state";
import { created, filters, idParam, noContent, ok, page } from "./replies";
import type { Router } from "./router";
import type { Views } from "./views";

/** `POST /primary_ips/{id}/actions/<name>`: each starts one action. */
const ACTIONS: Record<string, (ips: PrimaryIps, id: number, body: Record<string, unknown>) => Action> = {
  assign: (ips, id, body) => ips.assign(id, body),
  unassign: (ips, id) => ips.unassign(id),
  change_protection: (ips, id, body) => ips.changeProtection(id, body),
  change_dns_ptr: (ips, id, body) => ips.changeDnsPtr(id, body),
};

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
      const { primaryIp, action } = primaryIps.create(body);
      return created({ primary_ip: views.primaryIp(primaryIp), action: action && views.action(action) });
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
    });
  for (const [name, start] of Object.entries(ACTIONS)) {
    router.on("POST", `/primary_ips/:id/actions/${name}`, ({ params, body }) =>
      created({ action: views.action(start(primaryIps, id(params), body)) }),
    );
  }
}
