import type http from "node:http";
import type net from "node:net";

/** When an outage begins: at once (after answering the request that asks for it), or at the next write. */
export type OutageStart = "now" | "next-write";

/**
 * A fault of the rehearsal, asked for through `POST /__rehearsal/outage`: the API stops for a while, as when
 * Hetzner's API is unreachable. It stops listening and drops every open connection, so clients see a refused
 * or reset connection, and listens again on the same address afterwards. Started by the next write, it drops
 * that request unanswered and unhandled: the write never reached a running API.
 */
export class Outage {
  private armed?: { seconds: number; start: OutageStart };

  constructor(private readonly server: http.Server) {}

  arm(seconds: number, start: OutageStart): void {
    this.armed = { seconds, start };
  }

  /** True when this request begins the outage; it has then been dropped and must not be answered. */
  dropsRequest(request: http.IncomingMessage): boolean {
    if (this.armed?.start !== "next-write" || request.method === "GET") return false;
    request.socket.destroy();
    this.begin();
    return true;
  }

  /** After a response: an outage asked to start now begins. */
  answered(): void {
    if (this.armed?.start === "now") this.begin();
  }

  private begin(): void {
    const seconds = this.armed!.seconds;
    this.armed = undefined;
    const { port, address } = this.server.address() as net.AddressInfo;
    this.server.close();
    this.server.closeAllConnections();
    setTimeout(() => this.server.listen(port, address), seconds * 1000).unref();
  }
}

/** The outage's settings from a request body, or a message saying what is wrong with them. */
export function outageSettings(
  body: Record<string, unknown>,
): { seconds: number; start: OutageStart } | string {
  const { seconds, start = "now" } = body;
  if (typeof seconds !== "number" || !(seconds > 0 && seconds <= 3600)) {
    return "seconds: give how long the API stays down, 1 to 3600";
  }
  if (start !== "now" && start !== "next-write") return 'start: "now" or "next-write"';
  return { seconds, start };
}
