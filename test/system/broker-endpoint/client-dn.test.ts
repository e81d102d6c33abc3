import { spawnSync, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import https from "node:https";
import os from "node:os";
import path from "node:path";
import tls from "node:tls";
import { renderClientDn, type ClientSubject } from "../../../constructs/tls/client-dn";
import { issueClient, makeCa, selfSignedServer, type Pem } from "./pki";
import { freePort } from "../support/programs";
import { requirePrograms, startDaemon, stopDaemon, STREAM_MODULE, waitForPort } from "./programs";

// Budget of each test and hook: the whole file 1.5 s (nginx's start included), with stress-ng --cpu 2 beside
// another system-tier run and other work on the 2-core machine (load 16 to 36, 7 December).
jest.setTimeout(60_000);

/*
 * The allow-lists only work if renderClientDn writes a subject exactly as nginx prints $ssl_client_s_dn.
 * Real nginx echoes the variable back, over http (the admin vhost) and over stream (the broker endpoint).
 */

let dir: string;
let server: Pem;
let ca: Pem;
let httpPort: number;
let streamPort: number;
let nginx: ChildProcess | undefined;

function httpDn(client: Pem): Promise<string> {
  return new Promise((resolve, reject) => {
    const request = https.get(
      {
        host: "127.0.0.1",
        port: httpPort,
        servername: "faalkaart.nl",
        ca: fs.readFileSync(server.certificate),
        cert: fs.readFileSync(client.certificate),
        key: fs.readFileSync(client.key),
      },
      (response) => {
        let body = "";
        response.on("data", (chunk: Buffer) => (body += chunk.toString("utf8")));
        response.on("end", () => resolve(body));
      },
    );
    request.on("error", reject);
  });
}

function streamDn(client: Pem): Promise<string> {
  return new Promise((resolve, reject) => {
    let body = "";
    const socket = tls.connect({
      host: "127.0.0.1",
      port: streamPort,
      servername: "faalkaart.nl",
      ca: fs.readFileSync(server.certificate),
      cert: fs.readFileSync(client.certificate),
      key: fs.readFileSync(client.key),
    });
    socket.on("data", (chunk: Buffer) => (body += chunk.toString("utf8")));
    socket.on("end", () => resolve(body));
    socket.on("error", reject);
  });
}

beforeAll(async () => {
  requirePrograms({ nginx: "nginx", [STREAM_MODULE]: "libnginx-mod-stream", openssl: "openssl" });
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "client-dn-"));
  ca = makeCa(dir, "ca", "faalkaart");
  server = selfSignedServer(dir, ["faalkaart.nl"]);
  httpPort = await freePort();
  streamPort = await freePort();
  const tlsLines = [
    `ssl_certificate ${server.certificate};`,
    `ssl_certificate_key ${server.key};`,
    `ssl_client_certificate ${ca.certificate};`,
    "ssl_verify_client on;",
  ];
  const conf = path.join(dir, "nginx.conf");
  fs.writeFileSync(
    conf,
    [
      `load_module ${STREAM_MODULE};`,
      `pid ${dir}/nginx.pid;`,
      `error_log ${dir}/error.log;`,
      "events {}",
      "http {",
      "  access_log off;",
      `  server { listen 127.0.0.1:${httpPort} ssl; ${tlsLines.join(" ")} location / { return 200 "$ssl_client_s_dn"; } }`,
      "}",
      "stream {",
      `  server { listen 127.0.0.1:${streamPort} ssl; ${tlsLines.join(" ")} return "$ssl_client_s_dn"; }`,
      "}",
    ].join("\n"),
  );
  const test = spawnSync("nginx", ["-t", "-p", dir, "-c", conf], { encoding: "utf8" });
  if (test.status !== 0) throw new Error(`nginx -t failed:\n${test.stderr}`);
  nginx = startDaemon("nginx", ["-p", dir, "-c", conf, "-g", "daemon off;"], path.join(dir, "nginx.out"));
  await waitForPort(httpPort, nginx, "nginx (http)");
  await waitForPort(streamPort, nginx, "nginx (stream)");
});

afterAll(async () => {
  await stopDaemon(nginx);
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

const SUBJECTS: [string, ClientSubject][] = [
  [
    "a plain subject",
    {
      commonName: "scanner-amsterdam",
      organisation: "faalkaart",
      serialNumber: "3f2a9c0d1e2f4a5b6c7d8e9f00112233",
    },
  ],
  [
    "one with RFC 2253 specials",
    { commonName: 'a,b+c;d"e<f>g\\h', organisation: "#org", serialNumber: "0abc" },
  ],
];

describe.each(SUBJECTS)("renderClientDn for %s", (name, subject) => {
  let client: Pem;
  beforeAll(() => {
    client = issueClient(dir, ca, name.replace(/\W/g, "-"), {
      o: subject.organisation,
      cn: subject.commonName,
      serial: subject.serialNumber,
    });
  });

  it("matches $ssl_client_s_dn in an http server (the admin vhost)", async () => {
    expect(await httpDn(client)).toBe(renderClientDn(subject));
  });

  it("matches $ssl_client_s_dn in a stream server (the broker endpoint)", async () => {
    expect(await streamDn(client)).toBe(renderClientDn(subject));
  });
});
