import { spawnSync, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import {
  renderBrokerStreamConfig,
  type BrokerStreamConfig,
} from "../../../constructs/remote-workers/render-broker-stream";
import { renderClientDn } from "../../../constructs/tls/client-dn";
import { issueClient, makeCa, selfSignedServer, type Pem } from "./pki";
import { freePort } from "../support/programs";
import {
  requireEndpointPrograms,
  startDaemon,
  startEndpoint,
  stopDaemon,
  STREAM_MODULE,
  waitForPort,
} from "./programs";

// Budget of each test and hook: the slowest test 0.4 s, the daemons' start 3.4 s, with stress-ng --cpu 2
// beside another system-tier run and other work on the 2-core machine (load 16 to 36, 7 December).
jest.setTimeout(60_000);

/*
 * The rendered stream config on real nginx, in front of two real redis brokers with passwords: what a
 * remote worker sees. Everything listens on 127.0.0.1 high ports and lives in one temp dir.
 */

const ORG = "faalkaart";
const INSTANCES = [
  { instance: "production", domain: "faalkaart.nl", password: "production-broker-pw" },
  { instance: "staging", domain: "staging.faalkaart.nl", password: "staging-broker-pw" },
];

let dir: string;
let endpointPort: number;
let server: Pem;
let allowed: Pem;
let revoked: Pem;
let foreign: Pem;
let config: BrokerStreamConfig;
const daemons: ChildProcess[] = [];

function redisCli(
  options: { sni?: string; client?: Pem; tls?: boolean; password: string },
  ...command: string[]
) {
  const args = ["-h", "127.0.0.1", "-p", String(endpointPort), "--no-auth-warning", "-a", options.password];
  if (options.tls !== false) args.push("--tls", "--cacert", server.certificate);
  if (options.sni) args.push("--sni", options.sni);
  if (options.client) args.push("--cert", options.client.certificate, "--key", options.client.key);
  const run = spawnSync("redis-cli", [...args, ...command], { encoding: "utf8", timeout: 10_000 });
  return `${run.stdout}${run.stderr}`.trim();
}

function writeConfig(allowedClientDns: string[]): string {
  const file = path.join(dir, "nginx.conf");
  fs.writeFileSync(file, renderBrokerStreamConfig({ ...config, allowedClientDns }));
  return file;
}

beforeAll(async () => {
  requireEndpointPrograms();
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "broker-endpoint-"));
  fs.chmodSync(dir, 0o755);

  const ca = makeCa(dir, "ca", ORG);
  const otherCa = makeCa(dir, "other-ca", ORG);
  server = selfSignedServer(
    dir,
    INSTANCES.map((i) => i.domain),
  );
  allowed = issueClient(dir, ca, "scanner-amsterdam", {
    o: ORG,
    cn: "scanner-amsterdam",
    serial: "5ca1ab1e01",
  });
  // The same name as before, re-issued: its old certificate's serialNumber is no longer listed.
  revoked = issueClient(dir, ca, "scanner-amsterdam-old", {
    o: ORG,
    cn: "scanner-amsterdam",
    serial: "0bad0bad01",
  });
  // The allowed subject, byte for byte, but signed by a CA nginx does not trust.
  foreign = issueClient(dir, otherCa, "impostor", { o: ORG, cn: "scanner-amsterdam", serial: "5ca1ab1e01" });

  const routes = [];
  for (const { instance, domain, password } of INSTANCES) {
    const port = await freePort();
    const redisConf = path.join(dir, `redis-${instance}.conf`);
    fs.writeFileSync(
      redisConf,
      [
        `port ${port}`,
        "bind 127.0.0.1",
        `requirepass ${password}`,
        'save ""',
        "appendonly no",
        `dir ${dir}`,
        `dbfilename ${instance}.rdb`,
      ].join("\n"),
    );
    const redis = startDaemon("redis-server", [redisConf], path.join(dir, `redis-${instance}.log`));
    daemons.push(redis);
    await waitForPort(port, redis, `redis-server (${instance})`);
    // A marker in each broker, to see which one a connection reached.
    spawnSync("redis-cli", [
      "-p",
      String(port),
      "--no-auth-warning",
      "-a",
      password,
      "SET",
      "instance",
      instance,
    ]);
    routes.push({ instance, domain, address: `127.0.0.1:${port}` });
  }

  endpointPort = await freePort();
  config = {
    listen: [`127.0.0.1:${endpointPort}`],
    files: {
      certificate: server.certificate,
      key: server.key,
      clientCa: ca.certificate,
      pid: path.join(dir, "nginx.pid"),
    },
    allowedClientDns: [],
    routes,
    loadModules: [STREAM_MODULE],
    accessLog: path.join(dir, "access.log"),
    errorLog: path.join(dir, "error.log"),
  };
  const allowedDn = renderClientDn({
    commonName: "scanner-amsterdam",
    organisation: ORG,
    serialNumber: "5ca1ab1e01",
  });
  const conf = writeConfig([allowedDn]);
  const test = spawnSync("nginx", ["-t", "-p", dir, "-c", conf], { encoding: "utf8" });
  if (test.status !== 0) throw new Error(`nginx -t refused the rendered config:\n${test.stderr}`);
  daemons.push(await startEndpoint(dir, conf, endpointPort));
});

afterAll(async () => {
  for (const daemon of daemons.reverse()) await stopDaemon(daemon);
  if (dir && !process.env.FAILMAP_KEEP_TEST_DIR) fs.rmSync(dir, { recursive: true, force: true });
});

describe("the broker endpoint on real nginx and redis", () => {
  const production = INSTANCES[0];
  const staging = INSTANCES[1];

  it("lets a listed client certificate with the broker password through", () => {
    expect(redisCli({ sni: production.domain, client: allowed, password: production.password }, "PING")).toBe(
      "PONG",
    );
  });

  it("routes by SNI: each instance domain reaches its own broker", () => {
    expect(
      redisCli({ sni: production.domain, client: allowed, password: production.password }, "GET", "instance"),
    ).toBe("production");
    expect(
      redisCli({ sni: staging.domain, client: allowed, password: staging.password }, "GET", "instance"),
    ).toBe("staging");
  });

  it("refuses a connection without a client certificate", () => {
    expect(redisCli({ sni: production.domain, password: production.password }, "PING")).not.toContain("PONG");
  });

  it("refuses a certificate from another CA, even with a listed subject", () => {
    expect(
      redisCli({ sni: production.domain, client: foreign, password: production.password }, "PING"),
    ).not.toContain("PONG");
  });

  it("refuses a revoked certificate: valid CA, subject not on the allow-list", () => {
    expect(
      redisCli({ sni: production.domain, client: revoked, password: production.password }, "PING"),
    ).not.toContain("PONG");
  });

  it("refuses plain TCP without TLS", () => {
    expect(redisCli({ tls: false, password: production.password }, "PING")).not.toContain("PONG");
  });

  it("still asks the broker's password: a valid certificate with a wrong one is refused", () => {
    const reply = redisCli({ sni: production.domain, client: allowed, password: "guess" }, "PING");
    expect(reply).not.toContain("PONG");
    expect(reply).toMatch(/WRONGPASS|NOAUTH/);
    // One instance's password does not open another instance's broker.
    expect(
      redisCli({ sni: staging.domain, client: allowed, password: production.password }, "PING"),
    ).not.toContain("PONG");
  });

  it("refuses names that are no instance's domain, and a missing SNI", () => {
    expect(
      redisCli({ sni: "admin.faalkaart.nl", client: allowed, password: production.password }, "PING"),
    ).not.toContain("PONG");
    expect(redisCli({ client: allowed, password: production.password }, "PING")).not.toContain("PONG");
  });

  it("revokes a certificate on reload once its subject leaves the allow-list", () => {
    const conf = writeConfig([]);
    const reload = spawnSync("nginx", ["-p", dir, "-c", conf, "-s", "reload"], { encoding: "utf8" });
    expect(reload.status).toBe(0);
    // Workers of the old configuration finish their connections after a reload, so a reply may still
    // come from one of them for a moment: ask again until the new configuration answers.
    const deadline = Date.now() + 5_000;
    let reply = "PONG";
    while (reply.includes("PONG") && Date.now() < deadline) {
      reply = redisCli({ sni: production.domain, client: allowed, password: production.password }, "PING");
    }
    expect(reply).not.toContain("PONG");
  });
});
