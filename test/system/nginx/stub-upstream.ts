import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/** What a stub tells the client about the request nginx passed on. */
export interface StubAnswer {
  readonly upstream: string;
  readonly url: string;
  readonly host?: string;
  readonly remoteUser?: string;
  readonly forwardedFor?: string;
  readonly forwardedProto?: string;
  readonly served: number;
}

/**
 * An app container stand-in on 127.0.0.1 that counts requests per URL and answers like a Django app would:
 * with its own copies of the security headers, and a long max-age that only the frontend may honour.
 * Paths choose behaviour: /slow/ answers after 500 ms, /short/ is fresh for 1 s, /plain/ sends no cache headers.
 */
export class StubUpstream {
  private readonly hits = new Map<string, number>();
  private server?: Server;
  private boundPort = 0;

  constructor(readonly name: string) {}

  get address(): string {
    return `127.0.0.1:${this.boundPort}`;
  }

  count(url: string): number {
    return this.hits.get(url) ?? 0;
  }

  total(): number {
    return [...this.hits.values()].reduce((a, b) => a + b, 0);
  }

  /** Listens on a free port the first time, and on that same port after a stop. */
  async start(): Promise<void> {
    const server = createServer((req, res) => this.answer(req, res));
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(this.boundPort, "127.0.0.1", resolve);
    });
    this.boundPort = (server.address() as AddressInfo).port;
    this.server = server;
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private answer(req: IncomingMessage, res: ServerResponse): void {
    const url = req.url ?? "/";
    const served = (this.hits.get(url) ?? 0) + 1;
    this.hits.set(url, served);
    const answer: StubAnswer = {
      upstream: this.name,
      url,
      host: req.headers.host,
      remoteUser: req.headers["x-remote-user"] as string | undefined,
      forwardedFor: req.headers["x-forwarded-for"] as string | undefined,
      forwardedProto: req.headers["x-forwarded-proto"] as string | undefined,
      served,
    };
    const headers: Record<string, string> = {
      "Content-Type": "application/json",
      "X-Frame-Options": "DENY",
      "X-Content-Type-Options": "nosniff",
      "Strict-Transport-Security": "max-age=60",
      "Referrer-Policy": "unsafe-url",
    };
    if (url.startsWith("/short/")) headers["Cache-Control"] = "max-age=1";
    else if (!url.startsWith("/plain/")) headers["Cache-Control"] = "public, max-age=600";
    const send = () => res.writeHead(200, headers).end(JSON.stringify(answer));
    if (url.startsWith("/slow/")) setTimeout(send, 500);
    else send();
  }
}
