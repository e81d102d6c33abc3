import { spawnSync } from "node:child_process";
import fs from "node:fs";
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
  timeoutMs = 15_000,
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
        timeout: timeoutMs,
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
  return ssh(address, "deploy", command, { SSH_AUTH_SOCK: agentSocket }, []);
}

/** A command on a server as `user`, with one key file only (no agent): what that key alone opens. */
export function withKey(
  address: string,
  user: string,
  keyFile: string,
  command: string,
): { code: number; output: string } {
  return ssh(address, user, command, { SSH_AUTH_SOCK: "" }, ["-i", keyFile, "-o", "IdentitiesOnly=yes"]);
}

function ssh(
  address: string,
  user: string,
  command: string,
  env: NodeJS.ProcessEnv,
  options: readonly string[],
): { code: number; output: string } {
  const result = spawnSync(
    "ssh",
    [
      ...["-o", "BatchMode=yes", "-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null"],
      ...["-o", "LogLevel=ERROR", "-o", "ConnectTimeout=10", ...options, `${user}@${address}`, command],
    ],
    { env: { ...process.env, ...env }, encoding: "utf8", timeout: 300_000 },
  );
  return { code: result.status ?? 1, output: `${result.stdout}${result.stderr}` };
}

/** One answer of a probe repeated during an apply: when, and what was wrong (undefined: it answered well). */
export interface Sample {
  readonly at: number;
  readonly problem?: string;
}

/**
 * Runs `probe` every `everyMs` until stopped, as a visitor or an admin would keep reloading during an apply.
 * `stop()` returns the samples and the seconds during which the probe failed (from each failed sample to
 * the next sample).
 */
export function keepProbing(
  probe: () => Promise<string | undefined>,
  everyMs = 1000,
): { stop: () => Promise<{ samples: Sample[]; failedSeconds: number }> } {
  const samples: Sample[] = [];
  let running = true;
  const loop = (async () => {
    while (running) {
      const started = Date.now();
      const problem = await probe().catch((error: Error) => error.message);
      samples.push({ at: started, problem });
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, everyMs - (Date.now() - started))));
    }
  })();
  return {
    stop: async () => {
      running = false;
      await loop;
      let failed = 0;
      samples.forEach((sample, i) => {
        if (sample.problem !== undefined) failed += ((samples[i + 1]?.at ?? Date.now()) - sample.at) / 1000;
      });
      return { samples, failedSeconds: Math.round(failed * 10) / 10 };
    },
  };
}

/** What pebble's management API says of a certificate it issued: Valid or Revoked. */
export function pebbleCertificateStatus(
  acmeDirectory: string,
  caFile: string,
  serialHex: string,
): Promise<string> {
  const directory = new URL(acmeDirectory);
  const management = `https://${directory.hostname}:${Number(directory.port) + 1}`;
  return new Promise((resolve, reject) => {
    https
      .get(
        `${management}/cert-status-by-serial/${serialHex.toLowerCase()}`,
        { ca: fs.readFileSync(caFile), agent: false },
        (response) => {
          let text = "";
          response.on("data", (chunk) => (text += chunk));
          response.on("end", () =>
            response.statusCode === 200
              ? resolve((JSON.parse(text) as { Status: string }).Status)
              : reject(
                  new Error(`pebble cert-status-by-serial ${serialHex}: HTTP ${response.statusCode} ${text}`),
                ),
          );
        },
      )
      .on("error", reject);
  });
}
