import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { renderAlertRules } from "../../../constructs/monitoring/alert-rules";
import { PROMETHEUS_RELOAD } from "../../../constructs/monitoring/monitoring";
import { renderPrometheusConfig } from "../../../constructs/monitoring/prometheus-config";
import { loadExample, resourcesOf, synthOrganisation } from "../../support/organisations";
import { DockerDaemon, importHostPrograms, requireDocker } from "../broker-endpoint/docker-daemon";
import { freePort, requireProgram } from "../support/programs";
import { writeFiles } from "./programs";
import { eventually } from "../support/eventually";

// Budget of each test and hook: the slowest test 8.6 s (a crash loop of five restarts), dockerd's start 8.5
// s, with stress-ng --cpu 2 beside another system-tier run and other work on the 2-core machine (load 16 to
// 36, 7 December).
jest.setTimeout(120_000);

/*
 * Prometheus's container on a real dockerd, created with the command and mounts the stack synthesizes, and
 * the command the stack runs after its files change (PROMETHEUS_RELOAD), in every state the container can be
 * in when an apply comes by: absent, running, crash-looping, stopped. The image is made of this machine's
 * prometheus and promtool (Debian's), as prom/prometheus holds both. Prometheus listens on 127.0.0.1.
 */

const NAME = "failmap-prometheus";
const IMAGE = "failmap-test/prometheus:local";

let dir: string;
let configDir: string;
let docker: DockerDaemon;
let port: number;

/** The rendered config, scraping the node-exporters of `hosts`; `broken` makes it one Prometheus refuses. */
function writeConfig(hosts: readonly string[], broken = false): void {
  const config = renderPrometheusConfig({
    organisation: "faalkaart",
    nodeExporters: hosts.map((host, i) => ({ host, address: `127.0.0.1:${9100 + i}` })),
    brokerExporters: [{ instance: "production", address: "127.0.0.1:9121" }],
    tlsProbeTargets: ["faalkaart.nl:443"],
  });
  writeFiles(configDir, {
    "prometheus.yml": broken ? config.replace(/scrape_interval: \S+/, "scrape_interval: often") : config,
    "rules/failmap.yml": renderAlertRules(),
  });
}

/** Prometheus's docker_container as the example organisation's stack synthesizes it. */
function synthesizedContainer(): Record<string, any> {
  const containers = resourcesOf(synthOrganisation(loadExample()), "docker_container");
  return containers.find((c) => c.name === NAME)!;
}

/** The synthesized container on this dockerd: its host directories the test's, its port a free one. */
function createContainer(container: Record<string, any>): void {
  const volumes = (container.volumes as Record<string, any>[]).map((v) => {
    const hostPath = path.join(dir, v.container_path);
    fs.mkdirSync(hostPath, { recursive: true });
    return `--volume=${v.container_path === "/etc/prometheus" ? configDir : hostPath}:${v.container_path}${v.read_only ? ":ro" : ""}`;
  });
  const command = (container.command as string[]).map((arg) =>
    arg.startsWith("--web.listen-address=") ? `--web.listen-address=127.0.0.1:${port}` : arg,
  );
  const created = docker.run([
    "create",
    `--name=${NAME}`,
    `--restart=${container.restart}`,
    `--network=${container.network_mode}`,
    ...volumes,
    IMAGE,
    ...command,
  ]);
  if (created.status !== 0) throw new Error(`docker create: ${created.output}`);
}

const status = () => docker.run(["inspect", "-f", "{{.State.Status}}", NAME]).output;
const restarts = () => docker.run(["inspect", "-f", "{{.RestartCount}}", NAME]).output;
const pid = () => docker.run(["inspect", "-f", "{{.State.Pid}}", NAME]).output;

/** The config Prometheus has loaded, as its API shows it; "" while it does not answer. */
async function loadedConfig(): Promise<string> {
  try {
    const response = await fetch(`http://127.0.0.1:${port}/api/v1/status/config`);
    return response.ok ? ((await response.json()) as { data: { yaml: string } }).data.yaml : "";
  } catch {
    return "";
  }
}

/** What a wait that failed saw of the container. */
function containerState(): string {
  return `container: ${status()}\n${docker.run(["logs", NAME]).output}`;
}

beforeAll(async () => {
  requireDocker();
  requireProgram("/usr/bin/prometheus", "prometheus");
  requireProgram("/usr/bin/promtool", "prometheus");
  // Short: the daemon's sockets live below it, and a unix socket path has at most 107 bytes.
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "prom-reload-"));
  configDir = path.join(dir, "config");
  port = await freePort();
  docker = await DockerDaemon.start(dir);
  importHostPrograms(docker, dir, IMAGE, {
    files: ["/usr/bin/prometheus", "/usr/bin/promtool"],
    entrypoint: "prometheus",
  });
});

afterAll(async () => {
  await docker?.stop();
  if (dir && !process.env.FAILMAP_KEEP_TEST_DIR) fs.rmSync(dir, { recursive: true, force: true });
});

describe("Prometheus's config reload, on a real dockerd", () => {
  it("does nothing before the container exists: it starts with the new files", () => {
    writeConfig(["main"]);
    expect(docker.sh(PROMETHEUS_RELOAD).status).toBe(0);
  });

  it("starts Prometheus with the config", async () => {
    createContainer(synthesizedContainer());
    expect(docker.run(["start", NAME]).status).toBe(0);
    await eventually("the config loaded", async () => (await loadedConfig()).includes("host: main"), {
      explain: containerState,
    });
  });

  it("reloads a running Prometheus in place with a new config", async () => {
    const before = pid();
    writeConfig(["main", "scanners-1"]);
    const result = docker.sh(PROMETHEUS_RELOAD);
    expect(result).toEqual({ status: 0, output: expect.stringContaining("SUCCESS") });
    await eventually("the new config loaded", async () => (await loadedConfig()).includes("scanners-1"), {
      explain: containerState,
    });
    expect(pid()).toBe(before);
  });

  it("fails on an invalid config and leaves the running Prometheus as it was", async () => {
    writeConfig(["main"], true);
    const result = docker.sh(PROMETHEUS_RELOAD);
    expect(result.status).not.toBe(0);
    expect(result.output).toContain("often");
    expect(status()).toBe("running");
    expect(await loadedConfig()).toContain("scanners-1");
  });

  it("passes a valid config to a container that crash-loops on its config, which comes up with it", async () => {
    // The invalid config is in place: after a restart Prometheus exits at start, and Docker restarts it.
    docker.run(["restart", NAME]);
    // Docker doubles its wait between restarts: after five, the container spends seconds "restarting",
    // where `.State.Running` is true but `docker exec` fails, so the reload meets it in that state.
    await eventually("a crash loop", () => Number(restarts()) >= 5 && status() === "restarting", {
      explain: containerState,
    });
    writeConfig(["main"]);
    expect(docker.sh(PROMETHEUS_RELOAD).status).toBe(0);
    await eventually(
      "Prometheus back with the config",
      async () => {
        const config = await loadedConfig();
        return config.includes("host: main") && !config.includes("scanners-1");
      },
      { explain: containerState },
    );
  });

  it("checks, but does not start, a stopped container", () => {
    docker.run(["stop", NAME]);
    expect(status()).toBe("exited");
    writeConfig(["main"], true);
    const result = docker.sh(PROMETHEUS_RELOAD);
    expect(result.status).not.toBe(0);
    expect(result.output).toContain("often");
    writeConfig(["main", "scanners-1"]);
    expect(docker.sh(PROMETHEUS_RELOAD).status).toBe(0);
    expect(status()).toBe("exited");
  });
});
