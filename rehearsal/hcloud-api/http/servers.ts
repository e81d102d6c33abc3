import crypto from "node:crypto";
import type { Action } from "../state/actions";
import type { ServerCreateInput, Servers } from "../state/servers";
import type { HcloudState } from "../state/state";
import { created, filters, idParam, ok, page } from "./replies";
import type { Router } from "./router";
import type { Views } from "./views";

/** `POST /servers/{id}/actions/<name>`: each starts one action. */
const ACTIONS: Record<string, (servers: Servers, id: number, body: Record<string, unknown>) => Action> = {
  poweron: (servers, id) => servers.powerOn(id),
  poweroff: (servers, id) => servers.powerOff(id, "stop_server"),
  shutdown: (servers, id) => servers.powerOff(id, "shutdown_server"),
  reboot: (servers, id) => servers.restart(id, "reboot_server"),
  reset: (servers, id) => servers.restart(id, "reset_server"),
  enable_backup: (servers, id) => servers.setBackups(id, true),
  disable_backup: (servers, id) => servers.setBackups(id, false),
  change_type: (servers, id, body) => servers.changeType(id, body),
  change_protection: (servers, id, body) => servers.changeProtection(id, body),
  rebuild: (servers, id, body) => servers.rebuild(id, body),
};

export function serverRoutes(router: Router, state: HcloudState, views: Views): void {
  const { servers } = state;
  const id = (params: Record<string, string>) => idParam(params.id, "server");

  router
    .on("GET", "/servers", ({ query }) => {
      const list = servers.list({ ...filters(query), status: query.getAll("status") });
      return page("servers", list, query, (s) => views.server(s));
    })
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
    .on("GET", "/servers/:id", ({ params }) => ok({ server: views.server(servers.records.get(id(params))) }))
    .on("PUT", "/servers/:id", ({ params, body }) =>
      ok({ server: views.server(servers.update(id(params), body)) }),
    )
    .on("DELETE", "/servers/:id", ({ params }) => ok({ action: views.action(servers.delete(id(params))) }));
  for (const [name, start] of Object.entries(ACTIONS)) {
    router.on("POST", `/servers/:id/actions/${name}`, ({ params, body }) =>
      created({ action: views.action(start(servers, id(params), body)) }),
    );
  }
}
