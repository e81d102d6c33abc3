import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { DENIED_COMMANDS, renderRedisConfig } from "../../../constructs/app/redis-config";
import { freePort } from "../support/programs";
import { cli, RedisProcess, requireRedis } from "./redis-process";

// Budget of each test and hook: the slowest test 2.1 s (a crash and a restart of redis), with stress-ng --cpu
// 2 beside another system-tier run and other work on the 2-core machine (load 16 to 36, 7 December).
jest.setTimeout(60_000);

/*
 * The broker's rendered redis.conf on the real redis-server (Debian's 7.0; the container runs redis 7):
 * only the password gets in, administration commands are refused, Celery's commands work, and queued
 * tasks survive both a stop and a crash.
 */
describe("the broker's redis.conf on the real redis-server", () => {
  const password = randomBytes(24).toString("hex");
  let dir: string;
  let port: number;
  let redis: RedisProcess | undefined;

  const start = async () => {
    redis = await RedisProcess.start([path.join(dir, "redis.conf")], port);
  };

  beforeAll(async () => {
    requireRedis();
    dir = mkdtempSync(path.join(tmpdir(), "failmap-broker-"));
    port = await freePort();
    writeFileSync(
      path.join(dir, "redis.conf"),
      renderRedisConfig({ password, port, bind: "127.0.0.1", dir, maxMemoryMb: 64 }),
    );
    await start();
  });

  afterAll(async () => {
    await redis?.kill();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("refuses a client without the password", () => {
    expect(cli(port, ["ping"])).toMatch(/^NOAUTH Authentication required/);
    expect(cli(port, ["lpush", "celery", "task"])).toMatch(/^NOAUTH/);
  });

  it("refuses a wrong password", () => {
    const reply = cli(port, ["ping"], `${password}x`);
    expect(reply).not.toContain("PONG");
    expect(reply).toMatch(/WRONGPASS/);
  });

  it("answers the right password", () => {
    expect(cli(port, ["ping"], password)).toBe("PONG");
  });

  it.each(
    [
      ["flushall"],
      ["flushdb"],
      ["config", "get", "requirepass"],
      ["config", "set", "appendonly", "no"],
      ["debug", "sleep", "0"],
      ["shutdown", "nosave"],
      ["acl", "setuser", "default", "+@all"],
      ["monitor"],
    ].map((command) => [command.join(" "), command] as const),
  )("denies %s even with the password", (_name, command) => {
    expect(DENIED_COMMANDS).toContain(command[0]);
    // DEBUG is refused even before the ACL, by enable-debug-command.
    expect(cli(port, command, password)).toMatch(/^(NOPERM|ERR DEBUG command not allowed)/);
  });

  it("lets Celery and the queue monitor do their work", () => {
    const ok = (args: string[]) => expect(cli(port, args, password)).not.toMatch(/NOPERM|ERR|NOAUTH/);
    ok(["lpush", "storage", "task-1"]);
    ok(["llen", "storage"]);
    ok(["type", "storage"]);
    ok(["rpop", "storage"]);
    ok(["zadd", "unacked_index", "1", "t"]);
    ok(["hset", "unacked", "t", "payload"]);
    ok(["publish", "/0.celeryev/worker.heartbeat", "{}"]);
    ok(["info", "memory"]);
    ok(["client", "setname", "worker"]);
  });

  it("keeps queued tasks across a stop (docker stop: SIGTERM)", async () => {
    expect(cli(port, ["rpush", "celery", "after-stop"], password)).toMatch(/^\d+$/);
    await redis!.stop();
    await start();
    expect(cli(port, ["lrange", "celery", "0", "-1"], password)).toContain("after-stop");
  });

  it("keeps queued tasks across a crash, from the append-only file", async () => {
    expect(cli(port, ["rpush", "celery", "before-crash"], password)).toMatch(/^\d+$/);
    // appendfsync everysec: a write is on disk within a second, whatever happens to the process next.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    await redis!.kill();
    await start();
    expect(cli(port, ["lrange", "celery", "0", "-1"], password)).toContain("before-crash");
  });
});

describe("the broker container's own redis.conf", () => {
  // redis changes into `dir` while parsing, so the directory is the one setting rendered for the test.
  it("is accepted by redis-server, with only the directory, address and port changed", async () => {
    requireRedis();
    const dir = mkdtempSync(path.join(tmpdir(), "failmap-broker-container-"));
    const port = await freePort();
    const password = randomBytes(24).toString("hex");
    writeFileSync(path.join(dir, "redis.conf"), renderRedisConfig({ password, dir }));
    const args = [path.join(dir, "redis.conf"), "--bind", "127.0.0.1", "--port", String(port)];
    const redis = await RedisProcess.start(args, port);
    try {
      expect(cli(port, ["ping"], password)).toBe("PONG");
      expect(cli(port, ["ping"])).toMatch(/^NOAUTH/);
    } finally {
      await redis.kill();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
