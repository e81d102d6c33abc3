import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { resolveOrganisation } from "../../../config/model/organisation-model";
import { workerContainers } from "../../../constructs/app/workers";
import {
  renderEnvFile,
  renderWorkerContainersScript,
  type WorkerHostContainer,
} from "../../../constructs/remote-workers/render-worker-containers";
import { loadExample } from "../../support/organisations";
import { requireProgram } from "../support/programs";
import { DockerDaemon, importHostPrograms, requireDocker } from "./docker-daemon";

// Budget of each test and hook: the slowest test 12 s, dockerd's start with the images 6.4 s, with stress-ng
// --cpu 2 beside another system-tier run and other work on the 2-core machine (load 16 to 36, 7 December).
jest.setTimeout(120_000);

/*
 * The script that runs a worker host's containers (RemoteWorkerHost), on a real dockerd, for the example
 * organisation's worker host as workerContainers makes them: first run, a run with nothing changed, a changed
 * environment, a container no longer wanted, one that never gets healthy. The app image is a stand-in made of
 * this machine's sh: its entrypoint waits for SIGTERM whatever the command, and `websecmap` (the health
 * check's program) answers. Only the health check's timing is shortened, so that a test need not wait a minute
 * for the first check.
 */

const IMAGE = "failmap-test/worker:local";
const ORGANISATION = "faalkaart";

let dir: string;
let envDir: string;
let certificates: string;
let script: string;
let docker: DockerDaemon;

/** The example's worker-host containers, with the test's directories and a health check every second. */
function exampleContainers(healthCommand?: string): WorkerHostContainer[] {
  const model = resolveOrganisation(loadExample(ORGANISATION));
  const instance = model.instances.find((i) => i.name === "production")!;
  return workerContainers({
    instance,
    site: {
      kind: "worker-host",
      host: model.workerHosts[0].name,
      clientCertificates: { hostPath: certificates, containerPath: "/etc/failmap/tls" },
    },
    hostFqdn: "scanners-1.faalkaart.nl",
    env: { instance, brokerUrl: "rediss://:first@faalkaart.nl:1337/0" },
    image: { id: IMAGE, manageCommand: "websecmap" },
  }).map((spec) => ({
    name: instance.names.container(spec.role),
    instance: instance.name,
    spec: {
      ...spec,
      healthcheck: {
        ...spec.healthcheck!,
        test: healthCommand ? ["CMD-SHELL", healthCommand] : spec.healthcheck!.test,
        interval: "1s",
        timeout: "1s",
        startPeriod: "0s",
      },
    },
  }));
}

/** Writes the files as HostFiles would (environment files, the script), then runs the script. */
function apply(
  containers: readonly WorkerHostContainer[],
  env: (c: WorkerHostContainer) => string[] = (c) => c.spec.env,
) {
  for (const c of containers)
    fs.writeFileSync(path.join(envDir, c.name), renderEnvFile(env(c)), { mode: 0o600 });
  fs.writeFileSync(script, renderWorkerContainersScript({ organisation: ORGANISATION, envDir, containers }));
  return docker.sh(`sh ${script}`);
}

const ids = () =>
  new Map(
    docker
      .run(["ps", "-a", "--format", "{{.Names}} {{.ID}} {{.Status}}"])
      .output.split("\n")
      .filter(Boolean)
      .map((line) => line.split(" "))
      .map(([name, id, ...status]) => [
        name,
        `${id} ${status.join(" ").includes("healthy") ? "healthy" : "not healthy"}`,
      ]),
  );

beforeAll(async () => {
  requireDocker();
  requireProgram("shellcheck", "shellcheck");
  // Short: the daemon's sockets live below it, and a unix socket path has at most 107 bytes.
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "wrk-"));
  envDir = path.join(dir, "env");
  certificates = path.join(dir, "tls");
  script = path.join(dir, "containers.sh");
  fs.mkdirSync(envDir);
  fs.mkdirSync(certificates);
  docker = await DockerDaemon.start(dir);
  importHostPrograms(docker, dir, IMAGE, {
    files: ["/bin/sh", "/usr/bin/dash", "/usr/bin/sleep", "/usr/bin/hostname"],
    entrypoint: "/usr/local/bin/entrypoint",
    scripts: {
      "/usr/local/bin/entrypoint": "#!/usr/bin/dash\ntrap 'exit 0' TERM\nsleep 3600 &\nwait\n",
      "/usr/local/bin/websecmap": '#!/usr/bin/dash\necho "pong from $(hostname)"\n',
    },
  });
});

afterAll(async () => {
  await docker?.stop();
  if (dir && !process.env.FAILMAP_KEEP_TEST_DIR) fs.rmSync(dir, { recursive: true, force: true });
});

describe("a worker host's containers script, on a real dockerd", () => {
  it("passes shellcheck", () => {
    fs.writeFileSync(
      script,
      renderWorkerContainersScript({ organisation: ORGANISATION, envDir, containers: exampleContainers() }),
    );
    expect(execFileSync("shellcheck", ["--shell=sh", script], { encoding: "utf8" })).toBe("");
  });

  it("starts every container with its environment, and ends when they are healthy", () => {
    const containers = exampleContainers();
    const result = apply(containers);
    expect(result).toEqual({ status: 0, output: "" });
    expect([...ids().keys()].sort()).toEqual(containers.map((c) => c.name).sort());
    for (const [, state] of ids()) expect(state).toMatch(/ healthy$/);
    const env = docker.run(["inspect", "-f", "{{json .Config.Env}}", containers[0].name]).output;
    expect(JSON.parse(env)).toEqual(expect.arrayContaining(containers[0].spec.env));
    expect(
      docker.run(["inspect", "-f", "{{.Config.User}} {{.HostConfig.NetworkMode}}", containers[0].name])
        .output,
    ).toBe("65534:65534 host");
  });

  it("leaves the containers as they are when nothing changed", () => {
    const before = ids();
    expect(apply(exampleContainers()).status).toBe(0);
    expect(ids()).toEqual(before);
  });

  it("replaces only the container whose environment changed", () => {
    const before = ids();
    const containers = exampleContainers();
    const [changed, kept] = containers;
    const result = apply(containers, (c) =>
      c === changed ? c.spec.env.map((l) => l.replace(":first@", ":second@")) : c.spec.env,
    );
    expect(result.status).toBe(0);
    const after = ids();
    expect(after.get(kept.name)).toBe(before.get(kept.name));
    expect(after.get(changed.name)).not.toBe(before.get(changed.name));
    expect(docker.run(["inspect", "-f", "{{json .Config.Env}}", changed.name]).output).toContain(":second@");
  });

  it("removes a container no longer wanted, and its environment file, and leaves others' containers alone", () => {
    const foreign = docker.run([
      "run",
      "-d",
      "--name=someone-else",
      "--label=failmap.organisation=other",
      IMAGE,
    ]);
    expect(foreign.status).toBe(0);
    // The first one is the one the test before changed: the second is as it was.
    const [removed, kept] = exampleContainers();
    const before = ids();
    expect(apply([kept]).status).toBe(0);
    expect([...ids().keys()].sort()).toEqual([kept.name, "someone-else"].sort());
    expect(ids().get(kept.name)).toBe(before.get(kept.name));
    expect(fs.readdirSync(envDir)).toEqual([kept.name]);
    expect(removed.name).not.toBe(kept.name);
  });

  it("fails, naming the container, when one does not get healthy in time", () => {
    const result = apply(exampleContainers("exit 1"));
    expect(result.status).not.toBe(0);
    expect(result.output).toMatch(/failmap-production-worker-v\d-internet-1 is not healthy within \d+ s/);
  });
});
