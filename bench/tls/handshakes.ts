// New TLS handshakes per second on real nginx, ECDSA P-256 certificate vs RSA 2048, side by side:
//   npx tsx bench/tls/handshakes.ts [seconds=5] [parallel clients=1,4]
// Each client is `openssl s_time -new` (a full handshake per connection, no resumption, no request).
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { selfSignedServer } from "../../test/system/broker-endpoint/pki";
import { freePort } from "../../test/system/support/programs";
import {
  requirePrograms,
  startDaemon,
  stopDaemon,
  waitForPort,
} from "../../test/system/broker-endpoint/programs";

const KEYS = {
  "ECDSA P-256": ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes"],
  "RSA 2048": ["-newkey", "rsa:2048", "-nodes"],
} as const;

async function sTime(port: number, seconds: number, tlsVersion: string): Promise<number> {
  const args = ["s_time", "-new", "-connect", `127.0.0.1:${port}`, "-time", String(seconds), tlsVersion];
  // s_time reports wall time in whole seconds only, so the wall clock is read here.
  const started = performance.now();
  const out = await new Promise<string>((resolve, reject) => {
    const child = spawn("openssl", args, { stdio: ["ignore", "pipe", "pipe"] });
    let text = "";
    child.stdout.on("data", (chunk: Buffer) => (text += chunk.toString()));
    child.on("error", reject);
    child.on("exit", () => resolve(text));
  });
  const elapsed = (performance.now() - started) / 1000;
  const match = /(\d+) connections in \d+ real seconds/.exec(out);
  if (!match) throw new Error(`openssl ${args.join(" ")} printed no result:\n${out}`);
  return Number(match[1]) / elapsed;
}

/**
 * CPU seconds the nginx workers have used. Clients and server share this machine's cores, so the
 * handshake rate alone also measures the client; server CPU per handshake is the server's own cost.
 */
function nginxCpuSeconds(master: ChildProcess): number {
  const ticksPerSecond = Number(spawnSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).stdout);
  const workers = fs
    .readFileSync(`/proc/${master.pid}/task/${master.pid}/children`, "utf8")
    .trim()
    .split(/\s+/);
  return workers.reduce((sum, pid) => {
    const fields = fs.readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ");
    // utime and stime are fields 14 and 15 of /proc/<pid>/stat; fields[0] here is field 3.
    return sum + (Number(fields[11]) + Number(fields[12])) / ticksPerSecond;
  }, 0);
}

async function main(seconds: number, parallels: number[]): Promise<void> {
  requirePrograms({ nginx: "nginx", openssl: "openssl" });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "tls-bench-"));
  let nginx: ChildProcess | undefined;
  try {
    const servers = await Promise.all(
      Object.entries(KEYS).map(async ([label, keyArgs]) => {
        const keyDir = fs.mkdtempSync(path.join(dir, "key-"));
        return { label, port: await freePort(), pem: selfSignedServer(keyDir, ["bench.example"], keyArgs) };
      }),
    );
    const conf = path.join(dir, "nginx.conf");
    fs.writeFileSync(
      conf,
      [
        "worker_processes auto;",
        `pid ${dir}/nginx.pid;`,
        `error_log ${dir}/error.log;`,
        "events { worker_connections 4096; }",
        "http {",
        "  access_log off;",
        "  ssl_protocols TLSv1.2 TLSv1.3;",
        "  ssl_session_cache off;",
        "  ssl_session_tickets off;",
        ...servers.map(
          (s) =>
            `  server { listen 127.0.0.1:${s.port} ssl; ssl_certificate ${s.pem.certificate}; ` +
            `ssl_certificate_key ${s.pem.key}; location / { return 204; } }`,
        ),
        "}",
      ].join("\n"),
    );
    nginx = startDaemon("nginx", ["-p", dir, "-c", conf, "-g", "daemon off;"], path.join(dir, "nginx.out"));
    for (const s of servers) await waitForPort(s.port, nginx, "nginx");

    console.log(
      `nginx ${spawnSync("nginx", ["-v"], { encoding: "utf8" }).stderr.trim().split("/")[1]}, ` +
        `${spawnSync("openssl", ["version"], { encoding: "utf8" }).stdout.trim()}, ${os.cpus().length} CPUs, ${seconds} s per run\n`,
    );
    console.log(
      "| protocol | parallel clients | ECDSA P-256 handshakes/s | RSA 2048 handshakes/s | ECDSA / RSA " +
        "| nginx CPU per handshake, ECDSA | nginx CPU per handshake, RSA |",
    );
    console.log("|---|---|---|---|---|---|---|");
    for (const tlsVersion of ["-tls1_3", "-tls1_2"]) {
      for (const parallel of parallels) {
        const rates: number[] = [];
        const cpu: number[] = [];
        for (const s of servers) {
          const cpuBefore = nginxCpuSeconds(nginx);
          const each = await Promise.all(
            Array.from({ length: parallel }, () => sTime(s.port, seconds, tlsVersion)),
          );
          const rate = each.reduce((a, b) => a + b, 0);
          rates.push(rate);
          cpu.push(((nginxCpuSeconds(nginx) - cpuBefore) / (rate * seconds)) * 1e6);
        }
        const protocol = tlsVersion === "-tls1_3" ? "TLS 1.3" : "TLS 1.2";
        const ratio = (rates[0] / rates[1]).toFixed(2);
        console.log(
          `| ${protocol} | ${parallel} | ${rates[0].toFixed(0)} | ${rates[1].toFixed(0)} | ${ratio} ` +
            `| ${cpu[0].toFixed(0)} µs | ${cpu[1].toFixed(0)} µs |`,
        );
      }
    }
  } finally {
    await stopDaemon(nginx);
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

const [seconds = "5", parallels = "1,4"] = process.argv.slice(2);
main(Number(seconds), parallels.split(",").map(Number)).catch((e: Error) => {
  console.error(e.message);
  process.exit(1);
});
