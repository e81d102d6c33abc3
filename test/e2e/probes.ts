import { spawnSync } from "node:child_process";
import https from "node:https";
import tls from "node:tls";

/*
 * What the end-to-end test asks of the deployed servers, from this machine over the rehearsal network, as a
 * visitor, an admin, a volunteer's worker and an operator would.
 */

export interface TlsIdentity {
  /** PEM: the CA to verify the server against; without it the certificate is not verified. */
  readonly ca?: string;
  /** PEM: a client certificate and its key. */
  readonly cert?: string;
  readonly key?: string;
}

export interface HttpsAnswer {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: string;
  readonly certificate: tls.PeerCertificate;
}

/** GET https://<name><path>, connected to `address` (the name as SNI and Host), verified against `ca` when given. */
export function httpsGet(
  address: string,
  name: string,
  path = "/",
  identity: TlsIdentity = {},
): Promise<HttpsAnswer> {
  return new Promise((resolve, reject) => {
    const request = https.request(
      {
        host: address,
        servername: name,
        path,
        headers: { Host: name },
        ca: identity.ca,
        cert: identity.cert,
        key: identity.key,
        rejectUnauthorized: identity.ca !== undefined,
        checkServerIdentity: (_host, certificate) => tls.checkServerIdentity(name, certificate),
        agent: false,
        timeout: 15_000,
      },
      (response) => {
        let body = "";
        const certificate = (response.socket as tls.TLSSocket).getPeerCertificate();
        response.on("data", (chunk) => (body += chunk));
        response.on("end", () =>
          resolve({ status: response.statusCode ?? 0, headers: response.headers, body, certificate }),
        );
      },
    );
    request.on("timeout", () =>
      request.destroy(new Error(`https://${name}${path} at ${address}: timed out`)),
    );
    request.on("error", reject);
    request.end();
  });
}

/**
 * Opens TLS to address:port with the identity and sends a Redis PING: what the broker endpoint answers
 * (a line such as `-NOAUTH ...` or `+PONG`), or the error that ended the connection.
 */
export function brokerPing(
  address: string,
  port: number,
  name: string,
  identity: TlsIdentity,
): Promise<string> {
  return new Promise((resolve) => {
    const socket = tls.connect({
      host: address,
      port,
      servername: name,
      ca: identity.ca,
      cert: identity.cert,
      key: identity.key,
      rejectUnauthorized: identity.ca !== undefined,
      timeout: 10_000,
    });
    let answer = "";
    socket.on("secureConnect", () => socket.write("*1\r\n$4\r\nPING\r\n"));
    socket.on("data", (chunk) => {
      answer += chunk.toString();
      if (answer.includes("\r\n")) {
        socket.destroy();
        resolve(answer.split("\r\n")[0]);
      }
    });
    socket.on("timeout", () => {
      socket.destroy();
      resolve("error: timed out");
    });
    socket.on("error", (error) => resolve(`error: ${error.message}`));
    socket.on("close", () => resolve(answer ? answer.split("\r\n")[0] : "error: closed without an answer"));
  });
}

/**
 * A command on a server as the deploy user, with the rehearsal's operator key. The host key is not checked
 * here: the test talks to machines it booted itself, on a network only it uses.
 */
export function onServer(
  address: string,
  agentSocket: string,
  command: string,
): { code: number; output: string } {
  const result = spawnSync(
    "ssh",
    [
      ...["-o", "BatchMode=yes", "-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null"],
      ...["-o", "LogLevel=ERROR", "-o", "ConnectTimeout=10", `deploy@${address}`, command],
    ],
    { env: { ...process.env, SSH_AUTH_SOCK: agentSocket }, encoding: "utf8", timeout: 300_000 },
  );
  return { code: result.status ?? 1, output: `${result.stdout}${result.stderr}` };
}
