/*
 * How fast the rendered nginx config serves a cached frontend page, next to the same nginx and TLS
 * settings serving the same bytes as a static file, and next to the uncached path to the app.
 *
 *   npx tsx bench/nginx/run.ts [seconds]      (needs nginx, openssl and wrk; prints a Markdown table)
 *
 * Everything runs on 127.0.0.1 high ports in a temp directory, removed at the end.
 */
import { execFileSync, spawn, spawnSync, type ChildProcess } from "node:child_process";
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { cpus, tmpdir } from "node:os";
import { join } from "node:path";
import { listen } from "../../constructs/webserver/listen";
import { block } from "../../constructs/webserver/nginx-syntax";
import { renderNginxConfig } from "../../constructs/webserver/render-nginx-config";
import { addSecurityHeaders } from "../../constructs/webserver/security-headers";
import { resolveWebserverConfig, type WebserverConfig } from "../../constructs/webserver/webserver-config";
import { createAuthority } from "../../test/system/nginx/pki";
import { NginxProcess } from "../../test/system/nginx/nginx-process";
import { freePort, requireProgram } from "../../test/system/support/programs";

const SECONDS = Number(process.argv[2] ?? 5);
// wrk sends the URL's host as TLS server name; "localhost" resolves to 127.0.0.1 without touching /etc/hosts.
const NAME = "localhost";
// About the size of a Failmap map page's HTML.
const PAGE = Buffer.from(
  `<!doctype html><html><body>${"<p>failmap benchmark page</p>\n".repeat(700)}</body></html>\n`,
);

async function main(): Promise<void> {
  for (const [tool, pkg] of [
    ["nginx", "nginx"],
    ["openssl", "openssl"],
    ["wrk", "wrk"],
  ])
    requireProgram(tool, pkg);
  const dir = mkdtempSync(join(tmpdir(), "failmap-nginx-bench-"));
  let app: ChildProcess | undefined;
  let nginx: NginxProcess | undefined;
  try {
    chmodSync(dir, 0o755); // nginx workers run as nobody
    for (const sub of ["cache", "static"]) mkdirSync(join(dir, sub), { mode: 0o755 });
    writeFileSync(join(dir, "static/page.html"), PAGE, { mode: 0o644 });
    const ca = createAuthority(dir, "ca", "/CN=bench CA");
    const server = ca.issue("server", { subject: `/CN=${NAME}`, serverNames: [NAME] });
    const ports = {
      http: await freePort(),
      https: await freePort(),
      static: await freePort(),
      app: await freePort(),
    };
    app = await startApp(ports.app);
    const upstream = { address: `127.0.0.1:${ports.app}` };

    const listenOn = { http: ports.http, https: ports.https, addresses: ["127.0.0.1"] };
    const config: WebserverConfig = {
      sites: [
        {
          instance: "bench",
          domain: NAME,
          aliases: [],
          adminDomain: `admin.${NAME}`,
          names: [NAME, `admin.${NAME}`],
          // /game/ goes to the interactive app uncached: the path to the app without the cache.
          upstreams: { frontend: upstream, admin: upstream, interactive: upstream },
        },
      ],
      tls: { certificatePath: server.certPath, keyPath: server.keyPath },
      clientAuth: { caCertificatePath: ca.certPath, allowedClientDns: [] },
      cacheRoot: join(dir, "cache"),
      configDir: dir,
      listen: listenOn,
      logs: { access: join(dir, "access.log"), error: join(dir, "error.log") },
      pidFile: join(dir, "nginx.pid"),
    };
    const files = { ...renderNginxConfig(config) };
    // The static comparison: one more server in the same http block, so TLS, logging and headers are the same.
    const staticServer = block("server", [
      ...listen(resolveWebserverConfig({ ...config, listen: { ...listenOn, https: ports.static } }), "https"),
      `server_name ${NAME};`,
      ...addSecurityHeaders(),
      `root ${join(dir, "static")};`,
    ]);
    const conf = files["nginx.conf"];
    if (!conf.endsWith("}\n")) throw new Error("nginx.conf no longer ends with the http block");
    files["nginx.conf"] = `${conf.slice(0, -2)}\n${staticServer.map((l) => `    ${l}`).join("\n")}\n}\n`;
    for (const [file, content] of Object.entries(files)) writeFileSync(join(dir, file), content);
    nginx = await NginxProcess.start(dir, ports.https);

    const url = (port: number, path: string) => `https://${NAME}:${port}${path}`;
    const cases = [
      { label: "static file (same nginx, same TLS)", url: url(ports.static, "/page.html") },
      { label: "cached frontend page (HIT)", url: url(ports.https, "/page.html") },
      { label: "uncached, proxied to the app (/game/)", url: url(ports.https, "/game/page.html") },
    ];
    const warm = execFileSync("curl", [
      "-sS",
      "-o",
      "/dev/null",
      "-D",
      "-",
      "--cacert",
      ca.certPath,
      cases[1].url,
    ]);
    execFileSync("curl", ["-sS", "-o", "/dev/null", "--cacert", ca.certPath, cases[1].url]);
    if (!/x-cache-status: MISS/i.test(String(warm))) throw new Error(`cache not warmed:\n${warm}`);

    const results = cases.map((c) => ({ ...c, ...wrk(c.url) }));
    const staticRate = results[0].rate;
    console.log(
      `${new Date().toISOString()} | ${cpus().length} cores, ${cpus()[0]?.model} | ${nginxVersion()}`,
    );
    console.log(`page ${PAGE.length} bytes; wrk -t2 -c50 -d${SECONDS}s, HTTPS keep-alive, over loopback\n`);
    console.log("| case | requests/s | vs static | latency avg | p99 |");
    console.log("|---|---:|---:|---:|---:|");
    for (const r of results) {
      const ratio = (r.rate / staticRate).toFixed(2);
      console.log(`| ${r.label} | ${Math.round(r.rate)} | ${ratio}× | ${r.avg} | ${r.p99} |`);
    }
  } finally {
    await nginx?.stop();
    app?.kill();
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * The app stand-in, in its own process: curl and wrk run synchronously here, and an app in this
 * process could not answer meanwhile.
 */
async function startApp(port: number): Promise<ChildProcess> {
  const code = `
    const page = Buffer.from(process.env.PAGE);
    require("node:http")
      .createServer((req, res) => res.writeHead(200, { "Content-Type": "text/html", "Cache-Control": "max-age=600" }).end(page))
      .listen(${port}, "127.0.0.1", () => console.log("ready"));`;
  const child = spawn(process.execPath, ["-e", code], {
    env: { ...process.env, PAGE: PAGE.toString() },
    stdio: ["ignore", "pipe", "inherit"],
  });
  await new Promise((resolve, reject) => {
    child.stdout?.once("data", resolve);
    child.once("exit", (status) => reject(new Error(`the app stand-in exited (${status})`)));
  });
  return child;
}

function wrk(url: string): { rate: number; avg: string; p99: string } {
  const out = execFileSync("wrk", ["-t2", "-c50", `-d${SECONDS}s`, "--latency", url], { encoding: "utf8" });
  const rate = Number(/Requests\/sec:\s+([\d.]+)/.exec(out)?.[1]);
  const non2xx = /Non-2xx or 3xx responses: (\d+)/.exec(out)?.[1];
  if (!rate || non2xx) throw new Error(`wrk on ${url} failed:\n${out}`);
  return {
    rate,
    avg: /Latency\s+(\S+)/.exec(out)?.[1] ?? "?",
    p99: /99%\s+(\S+)/.exec(out)?.[1] ?? "?",
  };
}

function nginxVersion(): string {
  return spawnSync("nginx", ["-v"], { encoding: "utf8" }).stderr.trim();
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
