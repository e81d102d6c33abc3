import type { HcloudState } from "../state/state";
import { created, filters, idParam, noContent, ok, page } from "./replies";
import type { Router } from "./router";
import type { Views } from "./views";

export function firewallRoutes(router: Router, state: HcloudState, views: Views): void {
  const { firewalls } = state;
  const id = (params: Record<string, string>) => idParam(params.id, "firewall");
  const actions = (list: Parameters<Views["action"]>[0][]) =>
    created({ actions: list.map((a) => views.action(a)) });

  router
    .on("GET", "/firewalls", ({ query }) =>
      page("firewalls", firewalls.records.list(filters(query)), query, (f) => views.firewall(f)),
    )
    .on("POST", "/firewalls", ({ body }) => {
      const result = firewalls.create(body);
      return created({
        firewall: views.firewall(result.firewall),
        actions: result.actions.map((a) => views.action(a)),
      });
    })
    .on("GET", "/firewalls/:id", ({ params }) =>
      ok({ firewall: views.firewall(firewalls.records.get(id(params))) }),
    )
    .on("PUT", "/firewalls/:id", ({ params, body }) =>
      ok({ firewall: views.firewall(firewalls.update(id(params), body)) }),
    )
    .on("DELETE", "/firewalls/:id", ({ params }) => {
      firewalls.delete(id(params));
      return noContent;
    })
    .on("POST", "/firewalls/:id/actions/set_rules", ({ params, body }) =>
      actions(firewalls.setRules(id(params), body)),
    )
    .on("POST", "/firewalls/:id/actions/apply_to_resources", ({ params, body }) =>
      actions(firewalls.applyToResources(id(params), body)),
    )
    .on("POST", "/firewalls/:id/actions/remove_from_resources", ({ params, body }) =>
      actions(firewalls.removeFromResources(id(params), body)),
    );
}
