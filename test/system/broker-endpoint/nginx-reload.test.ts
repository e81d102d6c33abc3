import fs from "node:fs";
import http from "node:http";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { durationSeconds } from "../../../constructs/app/healthcheck-timing";
import { renderNginxReload } from "../../../constructs/webserver/nginx-reload";
import { renderBrokerStreamConfig } from "../../../constructs/remote-workers/render-broker-stream";
import {
  BROKER_ENDPOINT_CONTAINER,
  BrokerEndpoint,
} from "../../../constructs/remote-workers/broker-endpoint";
import { resources, synth, testStack } from "../../unit/tls/synth";
import { freePort } from "../support/programs";
import { DockerDaemon, importHostNginx, requireDocker } from "./docker-daemon";
import { makeCa, selfSignedServer } from "./pki";
import { STREAM_MODULE } from "./programs";
import { eventually } from "../support/eventually";

// Budget of each test and hook: the slowest test 8.8 s (a crash loop of five restarts), dockerd's start 6.6
// s, with stress-ng --cpu 2 beside another system-tier run and other work on the 2-core machine (load 16 to
// 36, 7 December).
jest.setTimeout(120_000);

/*
 * The broker endpoint's nginx container on a real dockerd, started with the arguments the stack synthesizes,
 * and the command the stack runs after its files change (HostFiles `then:`), in every state the container
 * can be in when an apply comes by: absent, running, crash-looping, stopped. The image's own entrypoint is
 * `nginx`, as the rehearsal's stand-in has it. nginx uses the host network and listens on 127.0.0.1.
 */

const NAME = BROKER_ENDPOINT_CONTAINER;
const IMAGE = "failmap-test/nginx:local";
/** Where the stack puts the endpoint's files on the host, mounted at the same path in the container. */
const ENDPOINT_CONFIG_DIR = "/etc/failmap/broker-endpoint";

let dir: string;
let configDir: string;
let configFile: string;
let docker: DockerDaemon;
let reload: string;

/** The broker endpoint's config, listening on `port`; `certificate` may name a file that is not there. */
function writeConfig(port: number, certificate = path.join(configDir, "server.crt")): void {
  fs.writeFileSync(
    configFile,
    renderBrokerStreamConfig({
      listen: [`127.0.0.1:${port}`],
      files: {
        certificate,
        key: path.join(configDir, "server.key"),
        clientCa: path.join(configDir, "client-ca.pem"),
        pid: "/var/run/nginx.pid",
      },
      allowedClientDns: [],
      routes: [{ instance: "production", domain: "faalkaart.nl", address: "127.0.0.1:9" }],
      loadModules: [STREAM_MODULE],
    }),
  );
}

const brokenCertificate = () => path.join(configDir, "missing.crt");

/**
 * The broker endpoint's docker_container as the stack synthesizes it, with its config directory moved to the
 * test's (it is mounted at the same path inside). Only the healthcheck's interval is shortened, so that a
 * test need not wait 30 s for the first check.
 */
function synthesizedContainer(): Record<string, any> {
  const { stack, host } = testStack();
  new BrokerEndpoint(stack, "endpoint", {
    host,
    port: 1337,
    sources: [],
    certificate: { certificatePem: "certificate", privateKeyPem: "key" },
    clientCa: { caCertificatePem: "client CA", clientDns: () => [] },
    brokers: [{ instance: "production", domain: "faalkaart.nl", address: "127.0.0.1:6380" }],
    workerHosts: [],
  });
  const [container] = resources(synth(stack), "docker_container");
  const moved = JSON.parse(JSON.stringify(container).replaceAll(ENDPOINT_CONFIG_DIR, configDir));
  return { ...moved, healthcheck: { ...moved.healthcheck, interval: "1s", start_period: "0s" } };
}

/** What the docker provider asks of the Docker API for a docker_container: create it, by name. */
function createContainer(container: Record<string, any>): Promise<void> {
  const seconds = (go: string) => (durationSeconds(go) ?? 0) * 1e9;
  const health = container.healthcheck;
  const body = {
    Image: IMAGE,
    Entrypoint: container.entrypoint,
    Cmd: container.command,
    StopSignal: container.stop_signal,
    Healthcheck: health && {
      Test: health.test,
      Interval: seconds(health.interval),
      Timeout: seconds(health.timeout),
      StartPeriod: seconds(health.start_period),
      Retries: health.retries,
    },
    HostConfig: {
      NetworkMode: container.network_mode,
      RestartPolicy: { Name: container.restart },
      Memory: container.memory * 1024 * 1024,
      MemorySwap: (container.memory_swap ?? container.memory * 2) * 1024 * 1024,
      Binds: container.volumes.map(
        (v: any) => `${v.host_path}:${v.container_path}${v.read_only ? ":ro" : ""}`,
      ),
    },
  };
  return new Promise((resolve, reject) => {
    const request = http.request(
      {
        socketPath: docker.socket,
        method: "POST",
        path: `/containers/create?name=${encodeURIComponent(container.name)}`,
        headers: { "Content-Type": "application/json" },
      },
      (response) => {
        let text = "";
        response.on("data", (chunk: Buffer) => (text += chunk.toString("utf8")));
        response.on("end", () =>
          response.statusCode === 201
            ? resolve()
            : reject(new Error(`create: ${response.statusCode} ${text}`)),
        );
      },
    );
    request.on("error", reject);
    request.end(JSON.stringify(body));
  });
}

const status = () => docker.run(["inspect", "-f", "{{.State.Status}}", NAME]).output;
const restarts = () => docker.run(["inspect", "-f", "{{.RestartCount}}", NAME]).output;
const health = () => docker.run(["inspect", "-f", "{{.State.Health.Status}}", NAME]).output;

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, "127.0.0.1");
    socket.once("connect", () => (socket.destroy(), resolve(true)));
    socket.once("error", () => resolve(false));
  });
}

/** What a wait that failed saw of the container. */
function containerState(): string {
  return `container: ${status()}\n${docker.run(["logs", NAME]).output}`;
}

beforeAll(async () => {
  requireDocker();
  // Short: the daemon's sockets live below it, and a unix socket path has at most 107 bytes.
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "ngx-reload-"));
  configDir = path.join(dir, "config");
  fs.mkdirSync(configDir);
  configFile = path.join(configDir, "nginx.conf");
  selfSignedServer(configDir, ["faalkaart.nl"]);
  fs.copyFileSync(makeCa(dir, "client-ca", "faalkaart").certificate, path.join(configDir, "client-ca.pem"));
  docker = await DockerDaemon.start(dir);
  importHostNginx(docker, dir, IMAGE);
  reload = renderNginxReload(NAME, configFile);
});

afterAll(async () => {
  await docker?.stop();
  if (dir && !process.env.FAILMAP_KEEP_TEST_DIR) fs.rmSync(dir, { recursive: true, force: true });
});

describe("the broker endpoint's nginx container and its reload, on a real dockerd", () => {
  let first: number;
  let second: number;

  beforeAll(async () => {
    first = await freePort();
    second = await freePort();
  });

  it("does nothing before the container exists: it starts with the new files", () => {
    writeConfig(first);
    expect(docker.sh(reload).status).toBe(0);
  });

  it("starts nginx with the config, whatever the image's entrypoint, and reports healthy", async () => {
    const container = synthesizedContainer();
    expect(container.name).toBe(NAME);
    expect(container.wait).toBe(true);
    await createContainer(container);
    expect(docker.run(["start", NAME]).status).toBe(0);
    await eventually(`nginx listening on ${first}`, () => accepts(first), { explain: containerState });
    expect(status()).toBe("running");
    await eventually("healthy", () => health() === "healthy", { explain: containerState });
  });

  it("reloads a running nginx in place with a new config", async () => {
    const pid = docker.run(["inspect", "-f", "{{.State.Pid}}", NAME]).output;
    writeConfig(second);
    expect(docker.sh(reload).status).toBe(0);
    await eventually(`nginx listening on ${second}`, () => accepts(second), { explain: containerState });
    await eventually(`nginx no longer listening on ${first}`, async () => !(await accepts(first)), {
      explain: containerState,
    });
    expect(docker.run(["inspect", "-f", "{{.State.Pid}}", NAME]).output).toBe(pid);
  });

  // Docker 20.10 (Debian 12) counts a `docker kill`, SIGHUP too, as a manual stop: its restart policy then no
  // longer brings nginx back after a crash or a reboot (after a server type change the sites stayed down).
  it("keeps the restart policy in force after a reload: nginx that dies comes back", async () => {
    const before = Number(restarts());
    const pid = Number(docker.run(["inspect", "-f", "{{.State.Pid}}", NAME]).output);
    expect(pid).toBeGreaterThan(0);
    // Signalled from the host, as a crash looks to Docker. `docker exec … nginx -s stop` raced the container's
    // end on a loaded machine: the exec was killed with the container (exit 137) before it could exit itself.
    process.kill(pid, "SIGTERM");
    await eventually(
      "nginx restarted by Docker",
      async () => Number(restarts()) > before && (await accepts(second)),
      { explain: containerState },
    );
  });

  it("fails on an invalid config and leaves the running nginx as it was", async () => {
    writeConfig(first, brokenCertificate());
    const result = docker.sh(reload);
    expect(result.status).not.toBe(0);
    expect(result.output).toContain("missing.crt");
    expect(await accepts(second)).toBe(true);
    expect(status()).toBe("running");
  });

  it("passes a valid config to a container that crash-loops on its config, which comes up with it", async () => {
    // The invalid config is in place: after a restart nginx exits at start, and Docker restarts it again.
    docker.run(["restart", NAME]);
    // Docker doubles its wait between restarts: after five, the container spends seconds "restarting", where
    // `docker exec` and signals fail, so the reload meets it in that state.
    await eventually("a crash loop", () => Number(restarts()) >= 5 && status() === "restarting", {
      explain: containerState,
    });
    // What the apply's wait sees: never healthy while it crash-loops.
    expect(health()).not.toBe("healthy");
    writeConfig(first);
    expect(docker.sh(reload).status).toBe(0);
    await eventually(`nginx back, listening on ${first}`, () => accepts(first), { explain: containerState });
  });

  it("tests, but does not start, a stopped container", () => {
    docker.run(["stop", NAME]);
    expect(status()).toBe("exited");
    writeConfig(first);
    expect(docker.sh(reload).status).toBe(0);
    expect(status()).toBe("exited");
    writeConfig(first, brokenCertificate());
    const result = docker.sh(reload);
    expect(result.status).not.toBe(0);
    expect(result.output).toContain("missing.crt");
  });

  it("handles a container that crash-loops for another reason: passes a valid config, fails an invalid one", async () => {
    // The shape the endpoint had before: `nginx` as the command, which an image whose entrypoint is nginx
    // takes for an option (nginx: invalid option: "nginx"), so the container restarts for ever.
    docker.run(["rm", "-f", NAME]);
    const created = docker.run([
      "create",
      `--name=${NAME}`,
      "--restart=unless-stopped",
      "--network=host",
      `--volume=${configDir}:${configDir}:ro`,
      IMAGE,
      ...["nginx", "-c", configFile, "-g", "daemon off;"],
    ]);
    expect(created.status).toBe(0);
    docker.run(["start", NAME]);
    // Docker doubles its wait between restarts: after five, the container spends seconds "restarting", where
    // `docker exec` and signals fail, so the reload meets it in that state.
    await eventually("a crash loop", () => Number(restarts()) >= 5 && status() === "restarting", {
      explain: containerState,
    });
    expect(docker.run(["logs", NAME]).output).toContain('invalid option: "nginx"');

    writeConfig(first);
    expect(docker.sh(reload).status).toBe(0);
    writeConfig(first, brokenCertificate());
    const result = docker.sh(reload);
    expect(result.status).not.toBe(0);
    expect(result.output).toContain("missing.crt");
  });
});
