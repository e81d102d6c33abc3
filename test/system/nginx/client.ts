import { request as httpRequest } from "node:http";
import { request as httpsRequest } from "node:https";

export interface Reply {
  readonly status: number;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  /** Every header line as sent, to tell one header from two copies of it. */
  readonly rawHeaders: readonly string[];
  readonly body: string;
}

export interface RequestOptions {
  readonly port: number;
  /** Sent as TLS server name (SNI) and as Host header, unless `hostHeader` differs. */
  readonly name: string;
  readonly path: string;
  readonly hostHeader?: string;
  readonly headers?: Readonly<Record<string, string>>;
  /** CA that signed the server certificate. */
  readonly ca?: string;
  /** Client certificate and key, for the admin sites. */
  readonly cert?: string;
  readonly key?: string;
}

/** One request on a fresh connection to 127.0.0.1, the way a browser resolving `name` would send it. */
export function get(scheme: "http" | "https", options: RequestOptions): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const common = {
      host: "127.0.0.1",
      port: options.port,
      path: options.path,
      headers: { Host: options.hostHeader ?? options.name, ...options.headers },
      agent: false as const,
    };
    const req =
      scheme === "https"
        ? httpsRequest({
            ...common,
            servername: options.name,
            ca: options.ca,
            cert: options.cert,
            key: options.key,
          })
        : httpRequest(common);
    req.setTimeout(10_000, () => req.destroy(new Error("timed out")));
    req.on("error", reject);
    req.on("response", (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (chunk) => (body += chunk));
      res.on("end", () =>
        resolve({ status: res.statusCode ?? 0, headers: res.headers, rawHeaders: res.rawHeaders, body }),
      );
      res.on("error", reject);
    });
    req.end();
  });
}

/** How often a header name occurs in a reply. */
export function headerCount(reply: Reply, name: string): number {
  return reply.rawHeaders.filter((value, i) => i % 2 === 0 && value.toLowerCase() === name.toLowerCase())
    .length;
}
