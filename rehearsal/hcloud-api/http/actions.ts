import type { Action } from "../state/actions";
import { notFound } from "../state/errors";
import type { HcloudState } from "../state/state";
import { idParam, ok, page } from "./replies";
import type { Router } from "./router";
import type { Views } from "./views";

/** Path segment of each resource kind whose actions can be read, and its type in `action.resources`. */
const KINDS = { servers: "server", firewalls: "firewall", primary_ips: "primary_ip", zones: "zone" } as const;

export function actionRoutes(router: Router, state: HcloudState, views: Views): void {
  const { actions } = state;
  const get = (id: string, where: (a: Action) => boolean = () => true) => {
    const action = actions.get(idParam(id, "action"));
    if (!action || !where(action)) throw notFound("action", id);
    return ok({ action: views.action(action) });
  };

  router
    // hcloud-go waits for actions with `GET /actions?id=…&id=…`.
    .on("GET", "/actions", ({ query }) => {
      const ids = query.getAll("id").map(Number);
      const statuses = query.getAll("status");
      const list = actions
        .all()
        .filter(
          (a) =>
            (ids.length === 0 || ids.includes(a.id)) &&
            (statuses.length === 0 || statuses.includes(a.status)),
        );
      return page("actions", list, query, (a) => views.action(a));
    })
    .on("GET", "/actions/:id", ({ params }) => get(params.id));

  for (const [segment, type] of Object.entries(KINDS)) {
    const about = (resourceId: string) => (a: Action) =>
      a.resources.some((r) => r.type === type && String(r.id) === resourceId);
    router
      .on("GET", `/${segment}/actions/:id`, ({ params }) =>
        get(params.id, (a) => a.resources.some((r) => r.type === type)),
      )
      .on("GET", `/${segment}/:resource/actions/:id`, ({ params }) => get(params.id, about(params.resource)))
      .on("GET", `/${segment}/:resource/actions`, ({ params, query }) =>
        page("actions", actions.all().filter(about(params.resource)), query, (a) => views.action(a)),
      );
  }
}
