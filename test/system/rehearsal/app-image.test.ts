import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { appEnv, type AppEnvSettings, type AppRole } from "../../../constructs/app/app-env";
import { BROKER_IMAGE } from "../../../constructs/app/broker";
import type { DatabaseCredentials } from "../../../constructs/app/database-credentials";
import { celeryHealthcheck, httpHealthcheck } from "../../../constructs/app/healthchecks";
import { renderRedisConfig } from "../../../constructs/app/redis-config";
import { WORKER_STOP_TIMEOUT_SECONDS, WORKER_USER } from "../../../constructs/app/workers";
import { renderDatabaseSql } from "../../../constructs/bootstrap/database-sql";
import { MARIADB_SOCKET, MARIADB_SOCKET_DIR } from "../../../constructs/bootstrap/mariadb-socket";
import { renderBrokerUrl } from "../../../constructs/remote-workers/broker-url";
import { workerRole, type WorkerRole } from "../../../config/worker-roles";
import { appStandIn, rehearsalImages } from "../../../rehearsal/images/images";
import { exampleInstance } from "../../support/organisations";
import { freePort, requireProgram } from "../support/programs";
import { imagesOnDockerd, until, type ImagesOnDockerd } from "./images-on-dockerd";

/*
 * The app stand-in image runs real Celery (Debian's celery 5.2, kombu, redis-py, eventlet): its workers,
 * started as the stack starts them (command, environment, user, hostname), connect to the broker image
 * (Debian's redis-server, configured by the stack's renderer), answer the stack's health check, consume
 * their role's queues and run tasks; beat schedules from the database; a remote worker reaches a TLS broker
 * with the URL the stack renders. The web modes, migrate and dbshell use a real MariaDB through the socket
 * the stack mounts. Containers use the host network on 127.0.0.1 (broker, workers) or none (web, migrate).
 */

const APP = "websecmap/websecmap:latest";
const BROKER_PASSWORD = "brokerpassword0123456789";
const CONFIG_DIR = "/usr/local/etc/redis";

const dir = fs.mkdtempSync(path.join("/var/tmp", "failmap-app-image-"));
// MariaDB runs as mysql and must reach its data directory below this one.
fs.chmodSync(dir, 0o755);
const model = exampleInstance();
const instance = model.settings;
const database: DatabaseCredentials = {
  instance: "production",
  database: "failmap_production",
  full: { name: "failmap", password: "fullpassword0123456789" },
  readWrite: { name: "failmaprw", password: "rwpassword0123456789" },
  readOnly: { name: "failmapro", password: "ropassword0123456789" },
};

let images: ImagesOnDockerd;
let mariadbd: ChildProcess;
let brokerUrl: string;

const docker = (args: readonly string[]) => images.docker.run(args);
const ok = (args: readonly string[]) => images.ok(args);

const settings = (): AppEnvSettings => ({
  instance: model,
  brokerUrl,
  database,
  secretKey: "secretkey0123456789",
});
const envArgs = (env: readonly string[]) => env.flatMap((line) => ["--env", line]);
const socketMount = [
  "--mount",
  `type=bind,source=${path.join(dir, "mysqld")},target=${MARIADB_SOCKET_DIR},readonly`,
];
const worker = (role: WorkerRole): AppRole => ({
  kind: "worker",
  worker: { role, scanner: workerRole(role).scanner, concurrency: 4, replicas: 1 },
  host: "faalserver.faalkaart.nl",
});

/** A one-off container of the app image (as migrate and the host's tooling run it). */
function oneOff(role: AppRole, args: readonly string[], network = "none", stdin?: string) {
  const command = [
    ...["run", "--rm", "--network", network],
    ...(stdin === undefined ? [] : ["-i"]),
    ...socketMount,
    ...envArgs(appEnv(role, settings())),
    images.image(APP),
    ...args,
  ];
  if (stdin === undefined) return docker(command);
  try {
    const out = execFileSync("docker", command, {
      env: images.docker.env,
      input: stdin,
      encoding: "utf8",
      stdio: ["pipe", "pipe", "pipe"],
    });
    return { status: 0, output: out.trim() };
  } catch (error) {
    const e = error as { status: number; stdout: string; stderr: string };
    return { status: e.status, output: `${e.stdout}${e.stderr}`.trim() };
  }
}

const dbshell = (role: AppRole, sql: string) => oneOff(role, ["dbshell"], "none", sql);

/** The worker container as Workers creates it: its command, env, user, hostname and stop grace. */
function startWorker(role: WorkerRole, env = appEnv(worker(role), settings()), extra: string[] = []): string {
  const name = `failmap-production-worker-${role}-1`;
  ok([
    ...["run", "-d", "--name", name, "--hostname", name, "--network", "host", "--user", WORKER_USER],
    ...["--stop-timeout", String(WORKER_STOP_TIMEOUT_SECONDS)],
    ...(workerRole(role).scanner ? [] : socketMount),
    ...envArgs(env),
    ...extra,
    images.image(APP),
    ...["celery", "worker", "--loglevel=info", "--concurrency=4", "-P", workerRole(role).pool],
  ]);
  return name;
}

/** The stack's health check of a container, run as docker runs it. */
function healthy(container: string, test: readonly string[]): boolean {
  const [kind, ...command] = test;
  const args = kind === "CMD-SHELL" ? ["sh", "-c", command[0]] : command;
  return docker(["exec", container, ...args]).status === 0;
}

/** A real MariaDB with its socket where the containers mount it from, and the stack's accounts. */
async function startMariadb(): Promise<ChildProcess> {
  const install = requireProgram("mariadb-install-db", "mariadb-server");
  const server = requireProgram("mariadbd", "mariadb-server");
  const client = requireProgram("mariadb", "mariadb-client");
  const data = path.join(dir, "mariadb");
  const socketDir = path.join(dir, "mysqld");
  fs.mkdirSync(data, { recursive: true });
  fs.mkdirSync(socketDir, { recursive: true, mode: 0o755 });
  execFileSync("chown", ["mysql:mysql", data, socketDir]);
  execFileSync(install, ["--no-defaults", "--user=mysql", `--datadir=${data}`], { stdio: "ignore" });
  const socket = path.join(socketDir, path.basename(MARIADB_SOCKET));
  const child = spawn(
    server,
    ["--no-defaults", "--user=mysql", `--datadir=${data}`, `--socket=${socket}`, "--skip-networking"],
    { stdio: "ignore" },
  );
  await until("MariaDB answers", () => {
    try {
      execFileSync(client, [`--socket=${socket}`, "-e", "SELECT 1"], { stdio: "ignore" });
      return true;
    } catch {
      return false;
    }
  });
  execFileSync(client, [`--socket=${socket}`], { input: renderDatabaseSql([database]) });
  return child;
}

beforeAll(async () => {
  const recipes = rehearsalImages().filter((recipe) => recipe.reference === BROKER_IMAGE);
  images = await imagesOnDockerd(dir, [...recipes, appStandIn(APP)]);
  mariadbd = await startMariadb();
  const port = await freePort();
  fs.mkdirSync(path.join(dir, "broker"));
  fs.writeFileSync(
    path.join(dir, "broker/redis.conf"),
    renderRedisConfig({ password: BROKER_PASSWORD, bind: "127.0.0.1", port }),
  );
  // The broker as Broker starts it (its config file as the command), on 127.0.0.1 of this machine.
  ok([
    ...["run", "-d", "--name", "failmap-production-broker", "--network", "host"],
    ...["-v", `${path.join(dir, "broker")}:${CONFIG_DIR}:ro`],
    images.image(BROKER_IMAGE),
    ...["redis-server", `${CONFIG_DIR}/redis.conf`],
  ]);
  // The format of Broker.url(), on this test's port.
  brokerUrl = `redis://:${BROKER_PASSWORD}@127.0.0.1:${port}/0`;
  const migrated = oneOff({ kind: "tooling" }, ["migrate", "--noinput"]);
  expect(migrated).toEqual({ status: 0, output: expect.stringContaining("migrated") });
});

afterAll(async () => {
  await images?.stop();
  mariadbd?.kill("SIGTERM");
  await new Promise((resolve) => (mariadbd?.exitCode === null ? mariadbd.once("exit", resolve) : resolve(0)));
  fs.rmSync(dir, { recursive: true, force: true });
});

test("migrate records a migration per run, with the full account", () => {
  expect(oneOff({ kind: "tooling" }, ["migrate", "--noinput"]).status).toBe(0);
  expect(dbshell({ kind: "tooling" }, "SELECT COUNT(*) FROM standin_migrations")).toEqual({
    status: 0,
    output: "2",
  });
});

test("the frontend serves a cacheable page to its own names only; its read-only account cannot write", async () => {
  const frontend = "failmap-production-frontend";
  ok([
    ...["run", "-d", "--name", frontend, "--network", "none", ...socketMount],
    ...envArgs(appEnv({ kind: "frontend" }, settings())),
    ...[images.image(APP), "runuwsgi"],
  ]);
  await until("the frontend's health check passes", () =>
    healthy(frontend, httpHealthcheck(instance.domain).test ?? []),
  );
  const get = (host: string) =>
    docker([
      ...["exec", frontend, "python3", "-c"],
      [
        "import http.client, sys",
        'c = http.client.HTTPConnection("127.0.0.1", 8000)',
        `c.request("GET", "/", headers={"Host": ${JSON.stringify(host)}})`,
        "r = c.getresponse()",
        'print(r.status, r.getheader("Cache-Control"), r.getheader("Expires") is not None, r.read().decode())',
      ].join("\n"),
    ]).output;
  expect(get(instance.domain)).toMatch(
    /^200 public, max-age=60 True Failmap stand-in frontend .* 2 migrations/,
  );
  expect(get("elsewhere.example")).toMatch(/^400 /);

  expect(dbshell({ kind: "frontend" }, "SELECT COUNT(*) FROM standin_migrations")).toEqual({
    status: 0,
    output: "2",
  });
  const write = dbshell({ kind: "frontend" }, "INSERT INTO standin_migrations () VALUES ()");
  expect(write.status).toBe(1);
  expect(write.output).toMatch(/INSERT command denied to user 'failmapro'/);

  const started = Date.now();
  ok(["stop", frontend]);
  expect(Date.now() - started).toBeLessThan(10_000);
});

describe("Celery workers", () => {
  const roles: WorkerRole[] = ["storage", "v4_internet", "queuemonitor"];
  const names: Record<string, string> = {};
  const celery = (args: readonly string[]) => oneOff({ kind: "tooling" }, ["celery", ...args], "host");

  beforeAll(async () => {
    for (const role of roles) names[role] = startWorker(role);
    for (const role of roles) {
      await until(`the ${role} worker passes the stack's health check`, () =>
        healthy(names[role], celeryHealthcheck("websecmap").test ?? []),
      );
    }
  });

  test("each answers the stack's health check and a ping from a one-off container, and consumes its role's queues", () => {
    const ping = celery(["inspect", "ping", "--timeout", "10"]);
    expect(ping.status).toBe(0);
    for (const role of roles) expect(ping.output).toContain(`celery@${names[role]}: OK`);

    const queues = celery(["inspect", "active_queues", "--timeout", "10", "--json"]);
    expect(queues.status).toBe(0);
    const consumed = JSON.parse(queues.output) as Record<string, { name: string }[]>;
    for (const role of roles) {
      expect(consumed[`celery@${names[role]}`].map((q) => q.name).sort()).toEqual(
        [...workerRole(role).queues].sort(),
      );
    }
    // A node that is not there fails the check, as a dead worker must.
    expect(celery(["inspect", "ping", "--timeout", "2", "--destination", "celery@nobody"]).status).not.toBe(
      0,
    );
  });

  test("a task sent to a queue comes back with its result from a worker of the role that consumes it", () => {
    const roundTrip = (queue: string) => {
      const id = celery(["call", "websecmap_standin.echo", "--args", `["to ${queue}"]`, "--queue", queue]);
      expect(id.status).toBe(0);
      return celery(["result", id.output]);
    };
    expect(roundTrip("ipv4")).toEqual({
      status: 0,
      output: `to ipv4 from ${names.v4_internet} (v4_internet)`,
    });
    expect(roundTrip("storage")).toEqual({ status: 0, output: `to storage from ${names.storage} (storage)` });
  });

  test("beat, started as the stack starts it, schedules the periodic tasks kept in the database", async () => {
    expect(
      dbshell(
        { kind: "tooling" },
        "INSERT INTO standin_periodic_tasks VALUES ('beat-test', 'websecmap_standin.echo', 'isolated', 1)",
      ),
    ).toEqual({ status: 0, output: "" });
    const scheduler = "failmap-production-scheduler";
    ok([
      ...[
        "run",
        "-d",
        "--name",
        scheduler,
        "--hostname",
        scheduler,
        "--network",
        "host",
        "--user",
        WORKER_USER,
      ],
      ...socketMount,
      ...envArgs(appEnv({ kind: "scheduler" }, settings())),
      images.image(APP),
      ...["celery", "beat", "--loglevel=info", "--scheduler=django_celery_beat.schedulers:DatabaseScheduler"],
      "--pidfile=",
    ]);
    await until("the storage worker runs beat's task", () =>
      ok(["logs", names.storage]).includes(`'beat-test from ${names.storage} (storage)'`),
    );
    const started = Date.now();
    ok(["stop", scheduler]);
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  test("docker stop ends a worker with Celery's warm shutdown in seconds, not the 300 s grace", () => {
    for (const role of roles) {
      const started = Date.now();
      ok(["stop", names[role]]);
      expect(Date.now() - started).toBeLessThan(20_000);
      expect(ok(["logs", names[role]])).toContain("Warm shutdown");
      expect(ok(["inspect", "--format", "{{.State.ExitCode}}", names[role]])).toBe("0");
    }
  });
});

test("a remote worker reaches a TLS broker with the BROKER the stack renders and its client certificate", async () => {
  const tls = path.join(dir, "tls");
  fs.mkdirSync(tls);
  const openssl = requireProgram("openssl", "openssl");
  const cert = (name: string, subject: string, ...extra: string[]) =>
    execFileSync(
      openssl,
      [
        ...["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-days", "1"],
        ...[
          "-keyout",
          path.join(tls, `${name}.key`),
          "-out",
          path.join(tls, `${name}.crt`),
          "-subj",
          subject,
        ],
        ...extra,
      ],
      { stdio: "ignore" },
    );
  cert("ca", "/CN=test CA", "-addext", "basicConstraints=critical,CA:TRUE");
  const signed = ["-CA", path.join(tls, "ca.crt"), "-CAkey", path.join(tls, "ca.key")];
  cert("server", `/CN=${instance.domain}`, ...signed, "-addext", `subjectAltName=DNS:${instance.domain}`);
  cert("client", "/CN=worker", ...signed, "-addext", "extendedKeyUsage=clientAuth");
  // As on a worker host: the key belongs to the worker's uid; the broker's files are readable by redis.
  for (const file of fs.readdirSync(tls)) fs.chmodSync(path.join(tls, file), 0o644);
  execFileSync("chown", [WORKER_USER, path.join(tls, "client.key")]);
  fs.chmodSync(path.join(tls, "client.key"), 0o600);
  fs.chmodSync(path.join(tls, "server.key"), 0o644);

  const port = await freePort();
  ok([
    ...["run", "-d", "--name", "tls-broker", "--network", "host", "-v", `${tls}:/tls:ro`],
    images.image(BROKER_IMAGE),
    ...["redis-server", "--bind", "127.0.0.1", "--port", "0", "--tls-port", String(port), "--save", ""],
    ...["--tls-cert-file", "/tls/server.crt", "--tls-key-file", "/tls/server.key"],
    ...["--tls-ca-cert-file", "/tls/ca.crt", "--tls-auth-clients", "yes", "--requirepass", BROKER_PASSWORD],
  ]);
  const url = renderBrokerUrl({
    encodedPassword: BROKER_PASSWORD,
    domain: instance.domain,
    port,
    clientCertificate: "/tls/client.crt",
    clientKey: "/tls/client.key",
    serverCa: "/tls/ca.crt",
  });
  const env = appEnv(worker("all_internet"), { instance: model, brokerUrl: url });
  const extra = ["-v", `${tls}:/tls:ro`, "--add-host", `${instance.domain}:127.0.0.1`];
  // The threads pool, which the stack gives scanners on a worker host: with Debian's eventlet 0.33 (their
  // pool on the main host) redis-py cannot keep a TLS connection; see docs/rehearsal.md.
  const name = "failmap-production-worker-all_internet-1";
  ok([
    ...["run", "-d", "--name", name, "--hostname", name, "--network", "host", "--user", WORKER_USER],
    ...envArgs(env),
    ...extra,
    images.image(APP),
    ...["celery", "worker", "--loglevel=info", "--concurrency=20", "-P", "threads"],
  ]);
  await until("the remote worker passes the stack's health check", () =>
    healthy(name, celeryHealthcheck("websecmap").test ?? []),
  );
  const celery = (args: readonly string[]) => docker(["exec", name, "websecmap", "celery", ...args]);
  const id = celery(["call", "websecmap_standin.echo", "--args", '["over TLS"]', "--queue", "4and6"]);
  expect(celery(["result", id.output])).toEqual({
    status: 0,
    output: `over TLS from ${name} (all_internet)`,
  });
});
