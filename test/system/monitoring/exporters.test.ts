import fs from "node:fs";
import path from "node:path";
import { brokerExporterArgs } from "../../../constructs/monitoring/broker-exporter";
import { CELERY_QUEUES } from "../../../config/worker-roles";
import {
  renderMonitoringUserSql,
  renderMysqldExporterMyCnf,
} from "../../../constructs/monitoring/database-monitoring";
import { freePort, requireProgram } from "../support/programs";
import { eventually, removeTempDirs, run, start, tempDir } from "./programs";

// Budget of each test and hook: the slowest test 8.9 s (mysqld_exporter against MariaDB), with stress-ng
// --cpu 2 beside another system-tier run and other work on the 2-core machine (load 16 to 36, 7 December).
jest.setTimeout(120_000); // above the 60 s of its eventually()

const REDIS_SERVER = "/usr/bin/redis-server";
const REDIS_CLI = "/usr/bin/redis-cli";
const REDIS_EXPORTER = "/usr/bin/prometheus-redis-exporter";
const MARIADB_INSTALL = "/usr/bin/mariadb-install-db";
const MARIADBD = "/usr/sbin/mariadbd";
const MARIADB = "/usr/bin/mariadb";
const MYSQLD_EXPORTER = "/usr/bin/prometheus-mysqld-exporter";

type Running = ReturnType<typeof start>;
const metrics = async (address: string) => (await fetch(`http://${address}/metrics`)).text();

describe("the broker exporter on a real redis broker", () => {
  const running: Running[] = [];
  // Both tests start both programs: without them the second would wait a minute for an exporter.
  beforeAll(() => {
    requireProgram(REDIS_SERVER, "redis-server");
    requireProgram(REDIS_EXPORTER, "prometheus-redis-exporter");
  });
  afterAll(async () => {
    for (const r of running.reverse()) await r.stop();
  });

  it("reports the length of each Celery queue, logging in with the broker password", async () => {
    const redisPort = await freePort();
    const password = "broker-secret";
    const redis = start(REDIS_SERVER, [
      "--port",
      String(redisPort),
      "--bind",
      "127.0.0.1",
      "--requirepass",
      password,
      "--save",
      "",
      "--appendonly",
      "no",
    ]);
    running.push(redis);
    const cli = (...args: string[]) =>
      run(REDIS_CLI, ["-p", String(redisPort), "--no-auth-warning", "-a", password, ...args]);
    await eventually(async () => (cli("PING").output.includes("PONG") ? true : undefined), "redis");
    cli("RPUSH", "internet", "t1", "t2", "t3");
    cli("RPUSH", "storage", "t4");

    const listen = `127.0.0.1:${await freePort()}`;
    const args = brokerExporterArgs({ address: `127.0.0.1:${redisPort}` }, listen);
    running.push(start(REDIS_EXPORTER, args, { REDIS_PASSWORD: password }));
    const text = await eventually(async () => {
      const t = await metrics(listen);
      return t.includes("redis_up 1") ? t : undefined;
    }, "redis_up 1 from the exporter");
    expect(text).toMatch(/^redis_key_size\{db="db0",key="internet"\} 3$/m);
    expect(text).toMatch(/^redis_key_size\{db="db0",key="storage"\} 1$/m);
    expect(args.join(" ")).toContain(CELERY_QUEUES.map((q) => `db0=${q}`).join(","));
  });

  it("sees nothing without the password, so the password really is what lets it in", async () => {
    const redisPort = await freePort();
    running.push(
      start(REDIS_SERVER, [
        "--port",
        String(redisPort),
        "--bind",
        "127.0.0.1",
        "--requirepass",
        "right",
        "--save",
        "",
      ]),
    );
    const listen = `127.0.0.1:${await freePort()}`;
    const args = brokerExporterArgs({ address: `127.0.0.1:${redisPort}` }, listen);
    running.push(start(REDIS_EXPORTER, args, { REDIS_PASSWORD: "wrong" }));
    const text = await eventually(async () => {
      const t = await metrics(listen);
      return /^redis_up /m.test(t) ? t : undefined;
    }, "redis_up from the exporter");
    expect(text).toMatch(/^redis_up 0$/m);
  });
});

describe("the monitoring account on a real MariaDB", () => {
  const running: Running[] = [];
  afterAll(async () => {
    for (const r of running.reverse()) await r.stop();
    removeTempDirs();
  });

  it("lets mysqld_exporter read the server's status through the socket, and nothing more", async () => {
    for (const [p, pkg] of [
      [MARIADB_INSTALL, "mariadb-server"],
      [MARIADBD, "mariadb-server"],
      [MARIADB, "mariadb-client"],
      [MYSQLD_EXPORTER, "prometheus-mysqld-exporter"],
    ]) {
      requireProgram(p, pkg);
    }
    const dir = tempDir("mariadb");
    fs.chmodSync(dir, 0o755);
    const datadir = path.join(dir, "data");
    // mariadbd runs as mysql and must be able to create its socket.
    const runDir = path.join(dir, "run");
    fs.mkdirSync(runDir);
    const mysql = (field: "-u" | "-g") => Number(run("/usr/bin/id", [field, "mysql"]).output.trim());
    fs.chownSync(runDir, mysql("-u"), mysql("-g"));
    const socket = path.join(runDir, "mysqld.sock");
    expect(run(MARIADB_INSTALL, ["--no-defaults", "--user=mysql", `--datadir=${datadir}`]).status).toBe(0);
    const port = await freePort();
    const mariadbd = start(MARIADBD, [
      "--no-defaults",
      "--user=mysql",
      `--datadir=${datadir}`,
      `--socket=${socket}`,
      `--port=${port}`,
      "--bind-address=127.0.0.1",
    ]);
    running.push(mariadbd);
    const asRoot = (sql: string) =>
      run(MARIADB, ["--no-defaults", `--socket=${socket}`, "-uroot", "-e", sql]);
    await eventually(
      async () => (asRoot("SELECT 1").status === 0 ? true : undefined),
      `MariaDB\n${mariadbd.output()}`,
    );
    asRoot("CREATE DATABASE failmap_production; CREATE TABLE failmap_production.t (id INT)");

    const user = { name: "failmap_monitoring", password: "Abc123def456" };
    // Twice: the statements must be safe to run again on every apply.
    for (let i = 0; i < 2; i++) expect(asRoot(renderMonitoringUserSql(user))).toMatchObject({ status: 0 });

    const asMonitoring = (sql: string) =>
      run(MARIADB, [
        "--no-defaults",
        `--socket=${socket}`,
        `-u${user.name}`,
        `-p${user.password}`,
        "-e",
        sql,
      ]);
    expect(asMonitoring("SHOW GLOBAL STATUS LIKE 'Uptime'").status).toBe(0);
    expect(asMonitoring("INSERT INTO failmap_production.t VALUES (1)").status).not.toBe(0);
    expect(asMonitoring("CREATE DATABASE evil").status).not.toBe(0);
    expect(asMonitoring("DROP TABLE failmap_production.t").status).not.toBe(0);

    const cnf = path.join(dir, "my.cnf");
    fs.writeFileSync(cnf, renderMysqldExporterMyCnf(user, socket), { mode: 0o600 });
    const listen = `127.0.0.1:${await freePort()}`;
    running.push(start(MYSQLD_EXPORTER, [`--config.my-cnf=${cnf}`, `--web.listen-address=${listen}`]));
    const text = await eventually(async () => {
      const t = await metrics(listen);
      return /^mysql_up /m.test(t) ? t : undefined;
    }, "mysql_up from the exporter");
    expect(text).toMatch(/^mysql_up 1$/m);
    expect(text).toMatch(/^mysql_global_status_queries \d/m);
    expect(text).toMatch(/^mysql_global_status_threads_connected \d/m);
  });
});
