import crypto from "node:crypto";
import type { ServerCreateInput } from "../state/servers";
import type { HcloudState } from "../state/state";
import { created, filters, idParam, ok, page } from "./replies";
import type { Router } from "./router";
import type { Views } from "./views";

export function serverRoutes(router: Router, state: HcloudState, views: Views): void {
  const { servers } = state;
  const server = (id: number) => views.server(servers.records.get(id));
  const id = (params: Record<string, string>) => idParam(params.id, "server");
  const action =
    (make: (id: number) => Parameters<Views["action"]>[0]) => (request: { params: Record<string, string> }) =>
      created({ action: views.action(make(id(request.params))) });

  router
    .on("GET", "/servers", ({ query }) =>
      page("servers", servers.list({ ...filters(query), status: query.getAll("status") }), query, (s) =>
        views.server(s),
      ),
    )
    .on("POST", "/servers", ({ body }) => {
      const result = servers.create(body as ServerCreateInput);
      return created({
        server: views.server(result.server),
        action: views.action(result.action),
        next_actions: result.nextActions.map((a) => views.action(a)),
        // Hetzner mails a root password only to servers created without SSH keys.
        root_password: result.server.sshKeys.length > 0 ? null : crypto.randomBytes(12).toString("base64url"),
      });
    })
    .on("GET", "/servers/:id", ({ params }) => ok({ server: server(id(params)) }))
    .on("PUT", "/servers/:id", ({ params, body }) =>
      ok({ server: views.server(servers.update(id(params), body)) }),
    )
    .on("DELETE", "/servers/:id", ({ params }) => ok({ action: views.action(servers.delete(id(params))) }))
    .on(
      "POST",
      "/servers/:id/actions/poweron",
      action((i) => servers.powerOn(i)),
    )
    .on(
      "POST",
      "/servers/:id/actions/poweroff",
      action((i) => servers.powerOff(i, "stop_server")),
    )
    .on(
      "POST",
      "/servers/:id/actions/shutdown",
      action((i) => servers.powerOff(i, "shutdown_server")),
    )
    .on(
      "POST",
      "/servers/:id/actions/reboot",
      action((i) => servers.restart(i, "reboot_server")),
    )
    .on(
      "POST",
      "/servers/:id/actions/reset",
      action((i) => servers.restart(i, "reset_server")),
    )
    .on(
      "POST",
      "/servers/:id/actions/enable_backup",
      action((i) => servers.setBackups(i, true)),
    )
    .on(
      "POST",
      "/servers/:id/actions/disable_backup",
      action((i) => servers.setBackups(i, false)),
    )
    .on("POST", "/servers/:id/actions/change_type", ({ params, body }) =>
      created({ action: views.action(servers.changeType(id(params), body)) }),
    )
    .on("POST", "/servers/:id/actions/change_protection", ({ params, body }) =>
      created({ action: views.action(servers.changeProtection(id(params), body)) }),
    )
    .on("POST", "/servers/:id/actions/rebuild", ({ params, body }) =>
      created({ action: views.action(servers.rebuild(id(params), body)), root_password: null }),
    );
}
