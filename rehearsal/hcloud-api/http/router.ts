export interface Request {
  readonly params: Readonly<Record<string, string>>;
  readonly query: URLSearchParams;
  /** The parsed JSON body; an empty object for requests without one. */
  readonly body: Record<string, unknown>;
}

export interface Reply {
  readonly status: number;
  readonly body?: unknown;
}

/** Handlers are synchronous: an answer shows the state at the moment the request was handled. */
export type Handler = (request: Request) => Reply;

interface Route {
  readonly method: string;
  readonly pattern: RegExp;
  readonly keys: readonly string[];
  readonly handler: Handler;
}

/** Routes by method and path pattern (`/servers/:id/actions/poweron`). */
export class Router {
  private readonly routes: Route[] = [];

  on(method: "GET" | "POST" | "PUT" | "DELETE", path: string, handler: Handler): this {
    const keys: string[] = [];
    const source = path.replace(/:(\w+)/g, (_, key: string) => {
      keys.push(key);
      return "([^/]+)";
    });
    this.routes.push({ method, pattern: new RegExp(`^${source}$`), keys, handler });
    return this;
  }

  match(method: string, path: string): { handler: Handler; params: Record<string, string> } | undefined {
    for (const route of this.routes) {
      const m = route.method === method ? route.pattern.exec(path) : null;
      if (m) {
        const params = Object.fromEntries(route.keys.map((key, i) => [key, decodeURIComponent(m[i + 1])]));
        return { handler: route.handler, params };
      }
    }
    return undefined;
  }
}
