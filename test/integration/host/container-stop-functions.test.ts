import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { CONTAINER_STOP_FUNCTIONS } from "../../../constructs/host/container-stop-script";

/*
 * The functions that stop a host's containers while Docker is down, run by /bin/sh against processes of this
 * test standing in for the containers' PID 1s (test/system/host/container-stop.test.ts runs them on a real
 * dockerd), and against a `docker` that answers as Docker's CLI does.
 */
let dir: string;
const children: ChildProcess[] = [];
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "failmap-container-stop-"));
});
afterEach(() => {
  for (const child of children.splice(0)) child.kill("SIGKILL");
  fs.rmSync(dir, { recursive: true, force: true });
});

/** A PID 1 that notes the signal it stops on in `<dir>/<name>`; a stubborn one ignores SIGTERM. */
function program(name: string, stubborn = false): ChildProcess {
  const note = (signal: string) => `trap 'echo ${signal} >${path.join(dir, name)}; exit 0' ${signal}`;
  const traps = stubborn ? "trap '' TERM" : `${note("TERM")}; ${note("QUIT")}`;
  const child = spawn("sh", ["-c", `${traps}; while :; do sleep 1 & wait $!; done`], { stdio: "ignore" });
  children.push(child);
  return child;
}
const exited = (child: ChildProcess) =>
  new Promise<NodeJS.Signals | number | null>((resolve) =>
    child.exitCode !== null || child.signalCode !== null
      ? resolve(child.signalCode ?? child.exitCode)
      : child.once("exit", (code, signal) => resolve(signal ?? code)),
  );
/** What stands in for a container's ID: a line of the process's cgroup file, which holds the real ID. */
const cgroupOf = (child: ChildProcess) => fs.readFileSync(`/proc/${child.pid}/cgroup`, "utf8").split("\n")[0];
const noted = (name: string) =>
  fs.existsSync(path.join(dir, name)) ? fs.readFileSync(path.join(dir, name), "utf8").trim() : undefined;

/** Runs `call` after the functions, with `input` on stdin and `dir/bin` first on the PATH. */
function run(call: string, input = "") {
  const started = Date.now();
  const result = spawnSync("/bin/sh", ["-c", `${CONTAINER_STOP_FUNCTIONS}\n${call}`], {
    encoding: "utf8",
    input,
    env: { PATH: `${path.join(dir, "bin")}:/usr/bin:/bin` },
  });
  return { ...result, seconds: (Date.now() - started) / 1000 };
}

describe("stop_listed_containers", () => {
  it("sends each its own stop signal, waits for it, and says how it ended", async () => {
    const frontend = program("frontend");
    const nginx = program("nginx");
    // A moment for the traps to be set before anything is signalled.
    await new Promise((resolve) => setTimeout(resolve, 300));
    const result = run(
      "stop_listed_containers",
      [
        `${frontend.pid} ${cgroupOf(frontend)} SIGTERM 30 /frontend`,
        `${nginx.pid} ${cgroupOf(nginx)} SIGQUIT 10 /nginx`,
        "",
      ].join("\n"),
    );
    expect(result.status).toBe(0);
    expect(noted("frontend")).toBe("TERM");
    expect(noted("nginx")).toBe("QUIT");
    expect(result.stdout).toMatch(/^frontend: exited within [01] s of SIGTERM$/m);
    expect(result.stdout).toMatch(/^nginx: exited within [01] s of SIGQUIT$/m);
    expect(await exited(frontend)).toBe(0);
    expect(await exited(nginx)).toBe(0);
  });

  it("kills one that is still running when its stop timeout has passed, waiting for all at once", async () => {
    const stubborn = program("stubborn", true);
    const worker = program("worker");
    await new Promise((resolve) => setTimeout(resolve, 300));
    const result = run(
      "stop_listed_containers",
      [
        `${stubborn.pid} ${cgroupOf(stubborn)} SIGTERM 2 /stubborn`,
        `${worker.pid} ${cgroupOf(worker)} 15 300 /worker`,
      ].join("\n"),
    );
    expect(result.stdout).toMatch(/^stubborn: killed, still running 2 s after SIGTERM$/m);
    expect(result.stdout).toMatch(/^worker: exited within [01] s of SIG15$/m);
    expect(await exited(stubborn)).toBe("SIGKILL");
    expect(noted("worker")).toBe("TERM");
    expect(result.seconds).toBeLessThan(10);
  });

  it("skips a container without a PID 1 (restarting after a crash) and empty input", () => {
    const result = run("stop_listed_containers", "0 4f1c SIGTERM 10 /restarting\n\n");
    expect(result).toMatchObject({ status: 0, stdout: "", stderr: "" });
  });

  it("signals no process that has the PID but not the container's cgroup: the PID was used again", async () => {
    const other = program("other");
    await new Promise((resolve) => setTimeout(resolve, 300));
    const result = run("stop_listed_containers", `${other.pid} 9e2a0c7d SIGTERM 10 /frontend\n`);
    expect(result.stdout).toBe("frontend: had exited before its stop signal\n");
    expect(noted("other")).toBeUndefined();
    expect(other.exitCode).toBeNull();
  });
});

describe("list_running_containers", () => {
  /** A `docker` whose `ps -q` prints `ids` (or fails), and whose `inspect` prints its arguments. */
  function docker(ids: string, psExit = 0) {
    fs.mkdirSync(path.join(dir, "bin"), { recursive: true });
    fs.writeFileSync(
      path.join(dir, "bin", "docker"),
      [
        "#!/bin/sh",
        `if [ "$1" = ps ]; then printf '${ids}'; exit ${psExit}; fi`,
        `printf '%s\\n' "$@" >${path.join(dir, "inspect.args")}`,
      ].join("\n"),
      { mode: 0o755 },
    );
  }

  it("asks Docker for each running container's PID 1, stop signal and timeout, with Docker's defaults", () => {
    docker("4f1c\\n9e2a\\n");
    expect(run("list_running_containers").status).toBe(0);
    expect(fs.readFileSync(path.join(dir, "inspect.args"), "utf8").split("\n")).toEqual([
      "inspect",
      "-f",
      "{{.State.Pid}} {{.ID}} {{with .Config.StopSignal}}{{.}}{{else}}SIGTERM{{end}} " +
        "{{with .Config.StopTimeout}}{{.}}{{else}}10{{end}} {{.Name}}",
      "4f1c",
      "9e2a",
      "",
    ]);
  });

  it("lists nothing when nothing runs, and fails when Docker does not answer", () => {
    docker("");
    expect(run("list_running_containers")).toMatchObject({ status: 0, stdout: "" });
    expect(fs.existsSync(path.join(dir, "inspect.args"))).toBe(false);
    docker("", 1);
    expect(run("list_running_containers").status).toBe(1);
  });
});
