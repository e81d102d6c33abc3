import type http from "node:http";

/** The whole body of a request. */
export function readBody(request: http.IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => resolve(Buffer.concat(chunks)));
    request.on("error", reject);
  });
}

/** `host:port` where a listening server answers, IPv6 in brackets; `what` names it in the error. */
export function listeningAt(server: http.Server, what: string): string {
  const address = server.address();
  if (!address || typeof address === "string") throw new Error(`${what} is not listening`);
  const host = address.family === "IPv6" ? `[${address.address}]` : address.address;
  return `${host}:${address.port}`;
}
