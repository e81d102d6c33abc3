import http from "node:http";
import { actionRoutes } from "./http/actions";
import { catalogueRoutes } from "./http/catalogue";
import { firewallRoutes } from "./http/firewalls";
import { primaryIpRoutes } from "./http/primary-ips";
import { Outage, outageSettings } from "./http/outage";
import { errorReply } from "./http/replies";
import { Router, type Reply } from "./http/router";
import { serverRoutes } from "./http/servers";
import { sshKeyRoutes } from "./http/ssh-keys";
import { Views } from "./http/views";
import { zoneRoutes } from "./http/zones";
import { ApiError } from "./state/errors";
import { HcloudState, type StateOptions } from "./state/state";
import { listeningAt, readBody } from "../http/server-basics";

/** A token of the length the provider insists on (64 characters); it guards nothing but mistakes. */
export const REHEARSAL_TOKEN = "local-hetzner-cloud-api-token-for-rehearsals-and-tests-000000000";

export interface HcloudApiOptions extends StateOptions {
  /** Default: REHEARSAL_TOKEN. Requests with another Bearer token are answered 401 `unauthorized`. */
  readonly token?: string;
}

export interface HcloudApi {
  readonly server: http.Server;
  readonly state: HcloudState;
  readonly token: string;
  /** The provider's `endpoint` once the server listens: `http://127.0.0.1:<port>/v1`. */
  endpoint(): string;
}

/** Path of the debug view of the whole state, for tests and rehearsals; it is no Hetzner endpoint. */
export const STATE_PATH = "/__rehearsal/state";

/**
 * Path of the rehearsal's fault switch (no Hetzner endpoint): POST `{"seconds": 30, "start": "next-write"}`
 * stops the API for that long, at once (`now`, the default) or at the next request that is not a GET.
 */
export const OUTAGE_PATH = "/__rehearsal/outage";

/**
 * A local, stateful Hetzner Cloud API that the hcloud Terraform provider drives through its `endpoint`.
 * Serve it with `api.server.listen(port, "127.0.0.1")`.
 */
export function createHcloudApi(options: HcloudApiOptions = {}): HcloudApi {
  const token = options.token ?? REHEARSAL_TOKEN;
  const state = new HcloudState(options);
  const views = new Views(state);
  const router = new Router();
  serverRoutes(router, state, views);
  firewallRoutes(router, state, views);
  sshKeyRoutes(router, state);
  primaryIpRoutes(router, state, views);
  zoneRoutes(router, state, views);
  actionRoutes(router, state, views);
  catalogueRoutes(router, state, views);
  router.on("GET", STATE_PATH, () => ({
    status: 200,
    body: { ...state.snapshot(), leftovers: state.leftovers() },
  }));
  router.on("POST", OUTAGE_PATH, ({ body }) => {
    const settings = outageSettings(body);
    if (typeof settings === "string") throw new ApiError("invalid_input", settings);
    outage.arm(settings.seconds, settings.start);
    return { status: 202, body: { outage: settings } };
  });

  const server = http.createServer((request, response) => {
    if (outage.dropsRequest(request)) return;
    readBody(request)
      .then((body) => answer(request, body.toString("utf8")))
      .catch((error: unknown) => errorReplyOf(error))
      .then((reply) => {
        const body = reply.body === undefined ? "" : JSON.stringify(reply.body);
        response.writeHead(reply.status, body ? { "Content-Type": "application/json" } : {});
        response.end(body, () => outage.answered());
      });
  });
  const outage = new Outage(server);

  // Node closes idle connections after 5 s; a client that reuses one at that moment (hcloud-go between two
  // slow steps of an apply, or fetch) sees "connection reset". Hetzner keeps them open far longer.
  server.keepAliveTimeout = 120_000;
  server.headersTimeout = 125_000;

  function answer(request: http.IncomingMessage, text: string): Reply {
    if (request.headers.authorization !== `Bearer ${token}`) {
      throw new ApiError("unauthorized", "unable to authenticate");
    }
    const url = new URL(request.url ?? "/", "http://local");
    const path = url.pathname.replace(/^\/v1(?=\/)/, "").replace(/\/$/, "");
    const route = router.match(request.method ?? "GET", path);
    if (!route) {
      throw new ApiError("not_found", `${request.method} ${path} is not offered by the local Hetzner API`);
    }
    let body: unknown = {};
    if (text.trim() !== "") {
      try {
        body = JSON.parse(text);
      } catch {
        throw new ApiError("json_error", "the request body is not valid JSON");
      }
    }
    if (typeof body !== "object" || body === null || Array.isArray(body)) {
      throw new ApiError("json_error", "the request body must be a JSON object");
    }
    return route.handler({
      params: route.params,
      query: url.searchParams,
      body: body as Record<string, unknown>,
    });
  }

  return {
    server,
    state,
    token,
    endpoint() {
      return `http://${listeningAt(server, "the local Hetzner API")}/v1`;
    },
  };
}

function errorReplyOf(error: unknown): Reply {
  if (error instanceof ApiError) return errorReply(error);
  const message = error instanceof Error ? error.message : String(error);
  return { status: 500, body: { error: { code: "server_error", message, details: null } } };
}
