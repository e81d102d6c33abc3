import { randomBytes } from "node:crypto";
import { type ChildProcess } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { renderRedisConfig } from "../../../constructs/app/redis-config";
import { renderBrokerUrl, type BrokerUrlParts } from "../../../constructs/remote-workers/broker-url";
import { renderBrokerStreamConfig } from "../../../constructs/remote-workers/render-broker-stream";
import { renderClientDn } from "../../../constructs/tls/client-dn";
import { RedisProcess } from "../broker/redis-process";
import { loadExample, synthOrganisation } from "../../support/organisations";
import { uploadedFiles } from "../../unit/monitoring/fixture";
import { freePort } from "../support/programs";
import { CeleryClient, requireCelery } from "./celery-client";
import { issueClient, makeCa, selfSignedServer, type Pem } from "./pki";
import { requireEndpointPrograms, startEndpoint, stopDaemon, STREAM_MODULE } from "./programs";

// Budget of each test and hook: the slowest test 37 s and 51 s in two runs (a Celery worker's start, its first
// ping and a task), with stress-ng --cpu 2 beside other test runs on the 2-core machine (load 16 to 36,
// 7 December). The worker's first ping gets 180 s of it.
jest.setTimeout(300_000);

/*
 * A remote worker as it really runs: Debian's Celery, kombu and redis-py, given BROKER exactly as
 * renderBrokerUrl renders it, through the rendered nginx stream endpoint to a redis-server on the rendered
 * broker config. The server certificate is self-signed (the stack's self-signed mode, its own trust anchor).
 * Names resolve to 127.0.0.1 in a mount namespace of the clients' own; everything listens on loopback.
 */

const ORG = "faalkaart";
const DOMAIN = "faalkaart.nl";
/** Routed by the endpoint to the same broker, but not a name of the server certificate. */
const UNCERTIFIED_DOMAIN = "broker.elsewhere.test";
const WORKER = { commonName: "scanners-1", organisation: ORG, serialNumber: "5ca1ab1e01" };
const WORKER_NAME = "remote@scanners-1";

let dir: string;
let port: number;
let server: Pem;
let worker: Pem;
let foreignWorker: Pem;
let otherServerCa: Pem;
let password: string;
let celery: CeleryClient;
let redis: RedisProcess | undefined;
let workerProcess: ChildProcess | undefined;
const daemons: ChildProcess[] = [];

function url(overrides: Partial<BrokerUrlParts> = {}): string {
  return renderBrokerUrl({
    encodedPassword: encodeURIComponent(password),
    domain: DOMAIN,
    port,
    clientCertificate: worker.certificate,
    clientKey: worker.key,
    serverCa: server.certificate,
    ...overrides,
  });
}

/**
 * The command of a worker container on a managed worker host of the example organisation, as its stack
 * renders it into the script that runs the host's containers: the words after the image in each container's
 * docker run arguments (options are single `--key=value` words; the first other word is the image). All alike.
 */
function workerHostCommand(): string[] {
  const stack = synthOrganisation(loadExample(ORG));
  const script = uploadedFiles({ resource: stack.resource }).get("/etc/failmap/workers/containers.sh") ?? "";
  const commands = script
    .split("\n")
    .filter((line) => /^container_\d+\(\)/.test(line))
    .map((line) => [...line.matchAll(/'([^']*)'/g)].map((m) => m[1]))
    .map((words) => words.slice(words.findIndex((w) => !w.startsWith("-")) + 1));
  expect(commands.length).toBeGreaterThan(0);
  expect(new Set(commands.map((c) => JSON.stringify(c))).size).toBe(1);
  return commands[0];
}

/** The rendered URL less the client certificate and key: a worker that presents none. */
function withoutClientCertificate(brokerUrl: string): string {
  const parsed = new URL(brokerUrl);
  parsed.searchParams.delete("ssl_certfile");
  parsed.searchParams.delete("ssl_keyfile");
  return parsed.toString();
}

beforeAll(async () => {
  requireCelery();
  requireEndpointPrograms();
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "remote-worker-celery-"));
  fs.chmodSync(dir, 0o755);
  celery = new CeleryClient(dir, [DOMAIN, UNCERTIFIED_DOMAIN]);

  const clientCa = makeCa(dir, "client-ca", ORG);
  const otherCa = makeCa(dir, "other-ca", ORG);
  otherServerCa = makeCa(dir, "other-server-ca", "someone else");
  server = selfSignedServer(dir, [DOMAIN, `staging.${DOMAIN}`]);
  worker = issueClient(dir, clientCa, "worker", {
    o: ORG,
    cn: WORKER.commonName,
    serial: WORKER.serialNumber,
  });
  // The worker's subject, byte for byte, signed by a CA the endpoint does not trust.
  foreignWorker = issueClient(dir, otherCa, "foreign-worker", {
    o: ORG,
    cn: WORKER.commonName,
    serial: WORKER.serialNumber,
  });

  password = randomBytes(24).toString("hex");
  const brokerPort = await freePort();
  fs.writeFileSync(
    path.join(dir, "redis.conf"),
    renderRedisConfig({ password, port: brokerPort, bind: "127.0.0.1", dir, maxMemoryMb: 64 }),
  );
  redis = await RedisProcess.start([path.join(dir, "redis.conf")], brokerPort);

  port = await freePort();
  const conf = path.join(dir, "nginx.conf");
  fs.writeFileSync(
    conf,
    renderBrokerStreamConfig({
      listen: [`127.0.0.1:${port}`],
      files: {
        certificate: server.certificate,
        key: server.key,
        clientCa: clientCa.certificate,
        pid: path.join(dir, "nginx.pid"),
      },
      allowedClientDns: [renderClientDn(WORKER)],
      routes: [
        { instance: "production", domain: DOMAIN, address: `127.0.0.1:${brokerPort}` },
        { instance: "uncertified", domain: UNCERTIFIED_DOMAIN, address: `127.0.0.1:${brokerPort}` },
      ],
      loadModules: [STREAM_MODULE],
      accessLog: path.join(dir, "access.log"),
      errorLog: path.join(dir, "error.log"),
    }),
  );
  daemons.push(await startEndpoint(dir, conf, port));
});

afterAll(async () => {
  await stopDaemon(workerProcess);
  for (const daemon of daemons.reverse()) await stopDaemon(daemon);
  await redis?.kill();
  if (dir && !process.env.FAILMAP_KEEP_TEST_DIR) fs.rmSync(dir, { recursive: true, force: true });
});

describe("a real Celery worker through the broker endpoint, with BROKER as renderBrokerUrl renders it", () => {
  it("is accepted as it is by kombu and by redis-py: both connect with the worker's certificate", () => {
    expect(celery.probe(url(), "kombu")).toBe("PONG");
    expect(celery.probe(url(), "redis-py")).toBe("PONG");
  });

  it("runs a task sent through the endpoint to a worker started as on a worker host, result back the same way", async () => {
    const log = path.join(dir, "worker.log");
    // The pool matters: with Debian's eventlet 0.33 and redis-py 4.3 an eventlet worker never connects over
    // TLS (eventlet issue #692), so this is the command the stack really gives a worker host's container.
    workerProcess = celery.worker(url(), workerHostCommand(), WORKER_NAME, log);
    const deadline = Date.now() + 180_000;
    let ping = { status: null as number | null, output: "" };
    while (Date.now() < deadline) {
      if (workerProcess.exitCode !== null) break;
      ping = celery.celery(url(), ["inspect", "ping", "--timeout=5", `--destination=${WORKER_NAME}`]);
      if (ping.status === 0) break;
    }
    expect(
      ping.status === 0 ? ping.output : `${ping.output}\nworker log:\n${fs.readFileSync(log, "utf8")}`,
    ).toMatch(new RegExp(`${WORKER_NAME}: OK`));

    const call = celery.celery(url(), ["call", "remote_worker.echo", '--args=["hello"]']);
    expect(call.status).toBe(0);
    const taskId = call.output.trim().split("\n").at(-1)!;
    const result = celery.celery(url(), ["result", taskId], 60_000);
    expect(result.output.trim()).toBe(`hello from ${os.hostname()}`);
  });

  it("is refused by the endpoint without a client certificate", () => {
    // The handshake fails on the server's side: the client learns of it when the connection is closed.
    expect(celery.probe(withoutClientCertificate(url()), "kombu")).toBe(
      "ConnectionError: Connection closed by server.",
    );
  });

  it("is refused by the endpoint with a certificate from another CA, even with the worker's subject", () => {
    const foreign = url({ clientCertificate: foreignWorker.certificate, clientKey: foreignWorker.key });
    expect(celery.probe(foreign, "kombu")).toBe("ConnectionError: Connection closed by server.");
  });

  it("refuses, as the client, an endpoint its server CA did not sign", () => {
    const reply = celery.probe(url({ serverCa: otherServerCa.certificate }), "kombu");
    expect(reply).toMatch(/CERTIFICATE_VERIFY_FAILED\] certificate verify failed: self-signed certificate/);
  });

  it("refuses, as the client, a trusted certificate that does not name the domain it asked for", () => {
    const reply = celery.probe(url({ domain: UNCERTIFIED_DOMAIN }), "kombu");
    expect(reply).toMatch(/CERTIFICATE_VERIFY_FAILED\] certificate verify failed: Hostname mismatch/);
  });
});
