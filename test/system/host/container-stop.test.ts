import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { STOP_SERVICES_ON_SERVER } from "../../../constructs/host/type-change-scripts";
import { importHostPrograms, requireDocker } from "../broker-endpoint/docker-daemon";
import { eventually } from "../support/eventually";
import { DockerHost } from "./docker-host";

// Budget of each test and hook: dockerd's start 6.6 s (nginx-reload.test.ts), the stop 2 s of grace for the
// container that ignores SIGTERM, with stress-ng --cpu 2 beside another system-tier run on the 2-core machine.
jest.setTimeout(120_000);

/*
 * A server's type change, on a real containerd and dockerd with live-restore as the hosts run them
 * (DockerHost): the script the step runs there as root (STOP_SERVICES_ON_SERVER), then the power cut of the
 * type change, then the next boot. Only systemctl is a stand-in: its docker.service is this dockerd, its
 * mariadb.service a line in the log. The containers note in one log (/marks/events) when they start and on
 * which signal they stop; their stop signals and timeouts are the stack's: a frontend (30 s), nginx
 * (SIGQUIT), a worker (300 s), and one that ignores SIGTERM (2 s, then killed).
 */

const IMAGE = "failmap-test/stop-probe:local";
const PROBE = [
  "#!/bin/dash",
  "# $1: the container's name; $2: 'stubborn' to ignore SIGTERM.",
  'echo "$1 started" >>/marks/events',
  'stop() { echo "$1 stopped on $2" >>/marks/events; exit 0; }',
  'if [ "${2:-}" = stubborn ]; then trap "" TERM; else trap "stop $1 TERM" TERM; fi',
  'trap "stop $1 QUIT" QUIT',
  "while :; do sleep 1 & wait $!; done",
].join("\n");

const CONTAINERS: Record<string, readonly string[]> = {
  frontend: ["--stop-timeout=30"],
  nginx: ["--stop-signal=SIGQUIT"],
  worker: ["--stop-timeout=300"],
  stubborn: ["--stop-timeout=2"],
};
/** Stopped by an operator before the type change: it must stay stopped. */
const BY_HAND = "by-hand";

let dir: string;
let host: DockerHost;
const marks = () => path.join(dir, "marks");
const events = () => fs.readFileSync(path.join(marks(), "events"), "utf8").trim().split("\n");
const systemctlLog = () => fs.readFileSync(path.join(dir, "systemctl.log"), "utf8").trim().split("\n");

/** systemctl as the step uses it; docker.service is this test's dockerd, with its pid file. */
function fakeSystemctl(pidFile: string): string {
  return [
    "#!/bin/sh",
    `echo "$*" >>${dir}/systemctl.log`,
    'case "$*" in',
    `"is-active --quiet docker.service") [ -e ${pidFile} ] ;;`,
    '"cat docker.socket" | "cat docker.service" | "cat mariadb.service" | "stop docker.socket") ;;',
    `"stop docker.service")`,
    `  pid=$(cat ${pidFile}) && kill -TERM "$pid" || exit 1`,
    '  while [ -e "/proc/$pid" ] && ! grep -qs "^State:[[:space:]]*Z" "/proc/$pid/status"; do sleep 0.1; done ;;',
    `"stop mariadb.service") echo "mariadb stopped" >>${marks()}/events ;;`,
    '*) echo "unexpected: systemctl $*" >&2; exit 1 ;;',
    "esac",
  ].join("\n");
}

/** Runs `script` as the step's `sudo sh -s` does, with this dockerd as `docker`; node keeps running meanwhile. */
function runOnServer(script: string): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn("sh", ["-s"], {
      env: { ...host.docker.env, PATH: `${path.join(dir, "bin")}:${host.docker.env.PATH}` },
    });
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString("utf8")));
    child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString("utf8")));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, output }));
    child.stdin.end(script);
  });
}

const status = (name: string) => host.docker.run(["inspect", "-f", "{{.State.Status}}", name]).output;
const started = (name: string) => events().filter((line) => line === `${name} started`).length;
const stoppedOn = (name: string) =>
  events()
    .filter((line) => line.startsWith(`${name} stopped on `))
    .map((line) => line.slice(`${name} stopped on `.length));

beforeAll(async () => {
  requireDocker();
  // Short: the daemon's sockets live below it, and a unix socket path has at most 107 bytes.
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "ctr-stop-"));
  fs.mkdirSync(marks());
  fs.mkdirSync(path.join(dir, "bin"));
  host = await DockerHost.start(dir);
  fs.writeFileSync(path.join(dir, "bin", "systemctl"), fakeSystemctl(host.docker.pidFile), { mode: 0o755 });
  importHostPrograms(host.docker, dir, IMAGE, {
    files: ["/bin/dash", "/bin/sleep"],
    entrypoint: "probe",
    scripts: { "/usr/local/bin/probe": PROBE },
  });
  const run = (name: string, args: readonly string[], ...probeArgs: string[]) => {
    const result = host.docker.run([
      "run",
      "-d",
      `--name=${name}`,
      "--restart=unless-stopped",
      "--network=none",
      `--volume=${marks()}:/marks`,
      ...args,
      IMAGE,
      name,
      ...probeArgs,
    ]);
    if (result.status !== 0) throw new Error(`docker run ${name}: ${result.output}`);
  };
  for (const [name, args] of Object.entries(CONTAINERS)) {
    run(name, args, ...(name === "stubborn" ? ["stubborn"] : []));
  }
  run(BY_HAND, []);
  for (const name of [...Object.keys(CONTAINERS), BY_HAND]) {
    await eventually(`${name} started`, () => started(name) === 1, { seconds: 60 });
  }
  expect(host.docker.run(["stop", BY_HAND]).status).toBe(0);
});

afterAll(async () => {
  await host?.stop();
  if (dir && !process.env.FAILMAP_KEEP_TEST_DIR) fs.rmSync(dir, { recursive: true, force: true });
});

describe("the services stopped before a server type change, on a real dockerd with live-restore", () => {
  let stop: { code: number | null; output: string };

  it("stops each container on its own stop signal, after Docker and before MariaDB", async () => {
    stop = await runOnServer(STOP_SERVICES_ON_SERVER);
    // What runs still is killed by the power cut, as when Hetzner powers the server off.
    await host.powerCut();
    expect(stop).toMatchObject({ code: 0 });
    expect(stoppedOn("frontend")).toEqual(["TERM"]);
    expect(stoppedOn("nginx")).toEqual(["QUIT"]);
    expect(stoppedOn("worker")).toEqual(["TERM"]);
    expect(stoppedOn("stubborn")).toEqual([]);
    expect(events().at(-1)).toBe("mariadb stopped");
    expect(systemctlLog()).toEqual([
      "is-active --quiet docker.service",
      "cat docker.socket",
      "stop docker.socket",
      "cat docker.service",
      "stop docker.service",
      "cat mariadb.service",
      "stop mariadb.service",
    ]);
  });

  it("says how each one ended, the one that ignored SIGTERM killed after its stop timeout", () => {
    expect(stop.output).toMatch(/^frontend: exited within \d+ s of SIGTERM$/m);
    expect(stop.output).toMatch(/^nginx: exited within \d+ s of SIGQUIT$/m);
    expect(stop.output).toMatch(/^worker: exited within \d+ s of SIGTERM$/m);
    expect(stop.output).toMatch(/^stubborn: killed, still running 2 s after SIGTERM$/m);
    expect(stop.output).not.toMatch(/by-hand/);
  });

  /** Every container runs again, started `times` times in all (a start per boot or Docker start). */
  async function allRunningAgain(times: number): Promise<void> {
    for (const name of Object.keys(CONTAINERS)) {
      await eventually(`${name} running again`, () => status(name) === "running" && started(name) === times, {
        seconds: 60,
        explain: () => `${name}: ${status(name)}\n${events().join("\n")}`,
      });
    }
  }

  it("at the next boot Docker starts them again under their restart policy; one stopped by hand stays stopped", async () => {
    await host.boot();
    await allRunningAgain(2);
    expect(status(BY_HAND)).toBe("exited");
    expect(started(BY_HAND)).toBe(1);
  });

  // An apply that fails after the step, before the power-off: the operator starts Docker by hand.
  it("stopped so without a power-off, they come back when Docker alone starts again", async () => {
    expect(await runOnServer(STOP_SERVICES_ON_SERVER)).toMatchObject({ code: 0 });
    expect(stoppedOn("frontend")).toEqual(["TERM", "TERM"]);
    expect(stoppedOn("nginx")).toEqual(["QUIT", "QUIT"]);
    await host.startDocker();
    await allRunningAgain(3);
    expect(status(BY_HAND)).toBe("exited");
  });
});
