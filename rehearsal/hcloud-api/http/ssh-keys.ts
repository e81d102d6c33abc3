import type { HcloudState } from "../state/state";
import { created, filters, idParam, noContent, ok, page } from "./replies";
import type { Router } from "./router";

export function sshKeyRoutes(router: Router, state: HcloudState): void {
  const { sshKeys } = state;
  const id = (params: Record<string, string>) => idParam(params.id, "SSH key");

  router
    .on("GET", "/ssh_keys", ({ query }) =>
      page(
        "ssh_keys",
        sshKeys.list({ ...filters(query), fingerprint: query.get("fingerprint") ?? undefined }),
        query,
        (k) => k,
      ),
    )
    .on("POST", "/ssh_keys", ({ body }) => created({ ssh_key: sshKeys.create(body) }))
    .on("GET", "/ssh_keys/:id", ({ params }) => ok({ ssh_key: sshKeys.records.get(id(params)) }))
    .on("PUT", "/ssh_keys/:id", ({ params, body }) => ok({ ssh_key: sshKeys.update(id(params), body) }))
    .on("DELETE", "/ssh_keys/:id", ({ params }) => {
      sshKeys.delete(id(params));
      return noContent;
    });
}
