import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { nginxHealthcheck } from "../../../constructs/webserver/health-server";
import { SECURITY_HEADERS } from "../../../constructs/webserver/security-headers";
import { get, headerCount, type Reply, type RequestOptions } from "./client";
import type { StubAnswer } from "./stub-upstream";
import { freePort, requireProgram } from "../support/programs";
import { testConfig } from "./nginx-process";
import { ACME_TOKEN, NAMES, TwoInstanceHost } from "./two-instance-host";

// Budget of each test and hook: the slowest test 3.7 s, the daemons' start 5.1 s, with stress-ng --cpu 2
// beside another system-tier run and other work on the 2-core machine (load 16 to 36, 7 December).
jest.setTimeout(60_000);

/*
 * The rendered config on Debian's real nginx, for a host with two instances, against stub apps that
 * count what reaches them.
 */

let host: TwoInstanceHost;

beforeAll(async () => {
  host = await TwoInstanceHost.start();
});

afterAll(async () => {
  await host?.stop();
});

type Options = Omit<RequestOptions, "port" | "ca" | "path">;
const https = (name: string, path: string, options: Partial<Options> = {}) =>
  get("https", { port: host.ports.https, ca: host.publicCa.cert, name, path, ...options });
const http = (name: string, path: string) => get("http", { port: host.ports.http, name, path });
const asAlice = () => ({ cert: host.clients.alice.cert, key: host.clients.alice.key });
const answer = (reply: Reply) => JSON.parse(reply.body) as StubAnswer;

/** Resolves to the failure when nginx closes the connection or refuses the handshake, and fails otherwise. */
/**
 * The log lines holding `marker`, once there are `count` of them: nginx writes a request's log line after
 * the response has gone out, so a client can read the reply before the line is there.
 */
async function logLines(file: string, marker: string, count: number): Promise<string[]> {
  const deadline = Date.now() + 5_000;
  for (;;) {
    const lines = readFileSync(join(host.dir, file), "utf8")
      .split("\n")
      .filter((line) => line.includes(marker));
    if (lines.length >= count || Date.now() > deadline) return lines;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

async function refused(request: Promise<Reply>): Promise<Error> {
  const outcome = await request.then(
    (reply) => new Error(`expected no answer, got HTTP ${reply.status}`),
    (error: Error) => error,
  );
  if (outcome.message.startsWith("expected no answer")) throw outcome;
  return outcome;
}

test("the rendered config passes nginx -t without warnings", () => {
  const result = testConfig(host.dir);
  expect(result.output).not.toMatch(/\[(warn|emerg|alert)\]/);
  expect(result.ok).toBe(true);
});

describe("the container's healthcheck", () => {
  test("its own command succeeds against nginx's loopback health server, which logs nothing", async () => {
    requireProgram("wget", "wget");
    const [kind, program, ...args] = nginxHealthcheck(host.ports.health).test;
    expect(kind).toBe("CMD");
    const run = await promisify(execFile)(program, args).then(
      () => 0,
      (error: { code?: number }) => error.code ?? 1,
    );
    expect(run).toBe(0);
    const reply = await get("http", { port: host.ports.health, name: "127.0.0.1", path: "/health" });
    expect([reply.status, reply.body]).toEqual([200, "ok\n"]);
    expect((await get("http", { port: host.ports.health, name: "127.0.0.1", path: "/" })).status).toBe(404);
    const access = readFileSync(join(host.dir, "access.log"), "utf8");
    expect(access).not.toContain("/health");
  });

  test("fails when nothing answers, as in a crash loop", async () => {
    requireProgram("wget", "wget");
    const [, program, ...args] = nginxHealthcheck(await freePort()).test;
    await expect(promisify(execFile)(program, args)).rejects.toMatchObject({ code: expect.any(Number) });
  });
});

describe("redirects", () => {
  test("plain HTTP redirects to HTTPS on the same name, keeping path and query", async () => {
    for (const name of [NAMES.production.domain, NAMES.production.admin, NAMES.staging.domain]) {
      const reply = await http(name, "/map/?year=2024");
      expect(reply.status).toBe(301);
      expect(reply.headers.location).toBe(`https://${name}:${host.ports.https}/map/?year=2024`);
    }
  });

  test("ACME HTTP-01 challenges are answered over plain HTTP", async () => {
    const reply = await http(NAMES.production.alias, ACME_TOKEN.path);
    expect(reply.status).toBe(200);
    expect(reply.body).toBe(ACME_TOKEN.content);
  });

  test("www redirects to the bare domain", async () => {
    const reply = await https(NAMES.production.alias, "/map/?year=2024");
    expect(reply.status).toBe(301);
    expect(reply.headers.location).toBe(
      `https://${NAMES.production.domain}:${host.ports.https}/map/?year=2024`,
    );
    expect(host.upstreams.productionFrontend.count("/map/?year=2024")).toBe(0);
  });

  test("HTTPS speaks HTTP/2", async () => {
    expect(
      await host.curl(NAMES.production.domain, "/h2", [
        "--http2",
        "-o",
        "/dev/null",
        "-w",
        "%{http_version}",
      ]),
    ).toBe("2");
  });
});

describe("frontend cache", () => {
  test("a page is fetched from the app once, then served from the cache", async () => {
    const first = await https(NAMES.production.domain, "/pages/one");
    const second = await https(NAMES.production.domain, "/pages/one");
    expect([first.status, first.headers["x-cache-status"]]).toEqual([200, "MISS"]);
    expect([second.status, second.headers["x-cache-status"]]).toEqual([200, "HIT"]);
    expect(second.body).toBe(first.body);
    expect(host.upstreams.productionFrontend.count("/pages/one")).toBe(1);
  });

  test("a page without cache headers from the app is still cached (599 s)", async () => {
    await https(NAMES.production.domain, "/plain/page");
    const second = await https(NAMES.production.domain, "/plain/page");
    expect(second.headers["x-cache-status"]).toBe("HIT");
    expect(host.upstreams.productionFrontend.count("/plain/page")).toBe(1);
  });

  test("100 simultaneous requests for an uncached page reach the app once", async () => {
    const replies = await Promise.all(
      Array.from({ length: 100 }, () => https(NAMES.production.domain, "/slow/stampede")),
    );
    expect(replies.map((r) => r.status)).toEqual(Array(100).fill(200));
    expect(new Set(replies.map((r) => r.body)).size).toBe(1);
    expect(host.upstreams.productionFrontend.count("/slow/stampede")).toBe(1);
  });

  test("the access log records the cache status per instance, as JSON", async () => {
    await https(NAMES.staging.domain, "/pages/logged");
    await https(NAMES.staging.domain, "/pages/logged");
    const lines = (await logLines("access.log", '"/pages/logged"', 2))
      .map((line) => JSON.parse(line) as Record<string, string>)
      .filter((entry) => entry.uri === "/pages/logged");
    expect(lines.map((entry) => [entry.instance, entry.host, entry.status, entry.cache])).toEqual([
      ["staging", NAMES.staging.domain, "200", "MISS"],
      ["staging", NAMES.staging.domain, "200", "HIT"],
    ]);
  });

  test("the metrics log carries host and cache status where the monitoring's exporter reads them", async () => {
    await https(NAMES.staging.domain, "/pages/metrics");
    await https(NAMES.staging.domain, "/pages/metrics");
    const lines = await logLines("metrics.log", "/pages/metrics", 2);
    expect(lines).toHaveLength(2);
    expect(lines[0]).toContain(`"${NAMES.staging.domain}" "MISS"`);
    expect(lines[1]).toContain(`"${NAMES.staging.domain}" "HIT"`);
  });
});

describe("admin site", () => {
  const path = "/admin/";

  test("refuses a request without a client certificate", async () => {
    const reply = await https(NAMES.production.admin, path);
    expect(reply.status).toBe(400);
    expect(host.upstreams.productionAdmin.count(path)).toBe(0);
  });

  test("refuses a certificate with an allowed DN from another CA", async () => {
    const reply = await https(NAMES.production.admin, path, {
      cert: host.clients.forged.cert,
      key: host.clients.forged.key,
    });
    expect(reply.status).toBe(400);
    expect(host.upstreams.productionAdmin.count(path)).toBe(0);
  });

  test("refuses an org CA certificate whose DN is not on the allow-list (revoked)", async () => {
    const reply = await https(NAMES.production.admin, path, {
      cert: host.clients.revoked.cert,
      key: host.clients.revoked.key,
    });
    expect(reply.status).toBe(403);
    expect(host.upstreams.productionAdmin.count(path)).toBe(0);
  });

  test("does not let the frontend's TLS session in through the Host header", async () => {
    const reply = await https(NAMES.production.domain, path, { hostHeader: NAMES.production.admin });
    expect([400, 421]).toContain(reply.status);
    expect(host.upstreams.productionAdmin.total()).toBe(0);
  });

  test("serves an allowed certificate, passing its CN as X-Remote-User whatever the client claims", async () => {
    const reply = await https(NAMES.production.admin, path, {
      ...asAlice(),
      headers: { "X-Remote-User": "mallory", "X-Forwarded-For": "203.0.113.9" },
    });
    expect(reply.status).toBe(200);
    expect(answer(reply)).toMatchObject({
      upstream: "production-admin",
      host: NAMES.production.admin,
      remoteUser: "alice",
      forwardedFor: "127.0.0.1",
      forwardedProto: "https",
    });
  });

  test("never caches, even when the app says it may", async () => {
    const first = await https(NAMES.production.admin, "/admin/list", asAlice());
    const second = await https(NAMES.production.admin, "/admin/list", asAlice());
    expect(host.upstreams.productionAdmin.count("/admin/list")).toBe(2);
    expect(answer(second).served).toBe(2);
    for (const reply of [first, second]) {
      expect(reply.headers["x-cache-status"]).toBeUndefined();
      expect(reply.headers["cache-control"]).toBe("no-cache");
    }
  });

  test("reaches monitoring under /grafana/ with the same certificate check", async () => {
    expect((await https(NAMES.staging.admin, "/grafana/", asAlice())).status).toBe(200);
    expect((await https(NAMES.staging.admin, "/grafana/")).status).toBe(400);
    expect(host.upstreams.grafana.count("/grafana/")).toBe(1);
  });
});

describe("rate limits", () => {
  const burst = (name: string, path: string, count: number) =>
    Promise.all(Array.from({ length: count }, () => https(name, path)));

  test("a burst of logins is refused with 429, and only the admitted ones reach the app", async () => {
    const replies = await burst(NAMES.production.domain, "/authentication/login/", 20);
    const admitted = replies.filter((r) => r.status === 200).length;
    expect(replies.filter((r) => r.status === 429).length).toBeGreaterThanOrEqual(10);
    expect(admitted).toBeGreaterThanOrEqual(1);
    expect(host.upstreams.productionFrontend.count("/authentication/login/")).toBe(admitted);
  });

  test("one instance's limit does not spend another's", async () => {
    const reply = await https(NAMES.staging.domain, "/authentication/login/");
    expect(reply.status).toBe(200);
  });

  test("game scores go to the interactive app, limited to 10 per second", async () => {
    const replies = await burst(NAMES.production.domain, "/game/scores/", 40);
    expect(replies.filter((r) => r.status === 429).length).toBeGreaterThanOrEqual(10);
    expect(host.upstreams.productionInteractive.count("/game/scores/")).toBe(
      replies.filter((r) => r.status === 200).length,
    );
  });
});

describe("security headers", () => {
  const expectHeaders = (reply: Reply) => {
    for (const [name, value] of Object.entries(SECURITY_HEADERS)) {
      expect([name, headerCount(reply, name), reply.headers[name.toLowerCase()]]).toEqual([name, 1, value]);
    }
    expect(reply.headers.server).toBe("nginx");
    expect(headerCount(reply, "X-XSS-Protection")).toBe(0);
  };

  test("are sent once, nginx's copy replacing the app's, on pages, redirects, refusals and admin", async () => {
    expectHeaders(await https(NAMES.staging.domain, "/pages/headers"));
    expectHeaders(await https(NAMES.production.alias, "/"));
    expectHeaders(await https(NAMES.production.admin, "/headers", asAlice()));
    expectHeaders(await https(NAMES.production.admin, "/headers"));
  });
});

describe("two instances on one host", () => {
  test("each name reaches its own instance's app and nothing else", async () => {
    const expected: [string, string, string][] = [
      [NAMES.production.domain, "/isolation/1", "production-frontend"],
      [NAMES.production.domain, "/game/play", "production-interactive"],
      [NAMES.staging.domain, "/isolation/2", "staging-frontend"],
      [NAMES.staging.domain, "/game/play", "staging-frontend"],
      [NAMES.production.admin, "/isolation/3", "production-admin"],
      [NAMES.staging.admin, "/isolation/4", "staging-admin"],
    ];
    for (const [name, path, upstream] of expected) {
      const reply = await https(name, path, asAlice());
      expect([name, path, answer(reply).upstream, answer(reply).host]).toEqual([name, path, upstream, name]);
    }
    for (const stub of Object.values(host.upstreams)) {
      const reached = expected.filter(([, , upstream]) => upstream === stub.name).map(([, path]) => path);
      for (const path of ["/isolation/1", "/isolation/2", "/isolation/3", "/isolation/4", "/game/play"]) {
        expect([stub.name, path, stub.count(path) > 0]).toEqual([stub.name, path, reached.includes(path)]);
      }
    }
  });

  test("the same path is cached separately per instance", async () => {
    const production = await https(NAMES.production.domain, "/pages/shared");
    const staging = await https(NAMES.staging.domain, "/pages/shared");
    expect([answer(production).upstream, answer(staging).upstream]).toEqual([
      "production-frontend",
      "staging-frontend",
    ]);
    expect(staging.headers["x-cache-status"]).toBe("MISS");
  });

  test("unknown names get no answer: HTTP closes, HTTPS refuses the handshake", async () => {
    const before = Object.values(host.upstreams).map((stub) => stub.total());
    await refused(http("unknown.test", "/"));
    expect((await refused(https("unknown.test", "/"))).message).toMatch(/alert|handshake|socket/i);
    await refused(https(NAMES.production.domain, "/", { hostHeader: "unknown.test" }));
    expect(Object.values(host.upstreams).map((stub) => stub.total())).toEqual(before);
  });
});

describe("when the app is down", () => {
  test("cached pages are served stale; uncached ones fail", async () => {
    const fresh = await https(NAMES.production.domain, "/short/stale");
    expect(fresh.headers["x-cache-status"]).toBe("MISS");
    await host.upstreams.productionFrontend.stop();
    try {
      // Past the page's max-age=1: nginx counts whole seconds, so a page may stay fresh for nearly two.
      await new Promise((resolve) => setTimeout(resolve, 2200));
      for (let i = 0; i < 2; i++) {
        const stale = await https(NAMES.production.domain, "/short/stale");
        expect([stale.status, stale.body]).toEqual([200, fresh.body]);
        expect(["STALE", "UPDATING"]).toContain(stale.headers["x-cache-status"]);
      }
      expect((await https(NAMES.production.domain, "/pages/never-cached")).status).toBe(502);
    } finally {
      await host.upstreams.productionFrontend.start();
    }
  });
});
