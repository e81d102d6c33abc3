import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { BROKER_IMAGE } from "../../../constructs/app/broker";
import { httpGetHealthcheck, redisHealthcheck } from "../../../constructs/app/healthchecks";
import { renderRedisConfig } from "../../../constructs/app/redis-config";
import { brokerExporterArgs } from "../../../constructs/monitoring/broker-exporter";
import { MONITORING_IMAGES } from "../../../constructs/monitoring/images";
import { renderBlackboxConfig } from "../../../constructs/monitoring/blackbox-config";
import { renderBrokerStreamConfig } from "../../../constructs/remote-workers/render-broker-stream";
import { NGINX_IMAGE } from "../../../constructs/webserver/nginx-container";
import { NOT_IN_DEBIAN, rehearsalImages } from "../../../rehearsal/images/images";
import { loadExample, resourcesOf, synthOrganisation } from "../../support/organisations";
import { requireProgram } from "../support/programs";
import { imagesOnDockerd, until, type ImagesOnDockerd } from "./images-on-dockerd";

/*
 * The rehearsal's images from Debian packages keep their upstream images' contract, so that what works with
 * one works with the other: ENTRYPOINT, CMD, USER, WORKDIR, EXPOSE, VOLUME and STOPSIGNAL as the upstream
 * Dockerfiles set them (the table below, with its sources), the entrypoint scripts' behaviour, the paths
 * and users the programs run with, and the tools the health checks call. Containers run with no network
 * (loopback only), or share one container's network namespace.
 */

interface Contract {
  readonly Entrypoint: readonly string[] | null;
  readonly Cmd: readonly string[] | null;
  readonly User: string;
  readonly WorkingDir: string;
  readonly ExposedPorts: readonly string[];
  readonly Volumes: readonly string[];
  readonly StopSignal?: string;
}

/** From the upstream Dockerfiles: github.com/<the repository named beside each>/Dockerfile. */
const UPSTREAM: Record<string, Contract> = {
  // nginxinc/docker-nginx, mainline/stable alpine-slim
  [NGINX_IMAGE]: {
    Entrypoint: ["/docker-entrypoint.sh"],
    Cmd: ["nginx", "-g", "daemon off;"],
    User: "",
    WorkingDir: "",
    ExposedPorts: ["80/tcp"],
    Volumes: [],
    StopSignal: "SIGQUIT",
  },
  // docker-library/redis, 7.x/alpine
  [BROKER_IMAGE]: {
    Entrypoint: ["docker-entrypoint.sh"],
    Cmd: ["redis-server"],
    User: "",
    WorkingDir: "/data",
    ExposedPorts: ["6379/tcp"],
    Volumes: ["/data"],
  },
  // prometheus/prometheus
  [MONITORING_IMAGES.prometheus]: {
    Entrypoint: ["/bin/prometheus"],
    Cmd: [
      "--config.file=/etc/prometheus/prometheus.yml",
      "--storage.tsdb.path=/prometheus",
      "--web.console.libraries=/usr/share/prometheus/console_libraries",
      "--web.console.templates=/usr/share/prometheus/consoles",
    ],
    User: "nobody",
    WorkingDir: "/prometheus",
    ExposedPorts: ["9090/tcp"],
    Volumes: ["/prometheus"],
  },
  // prometheus/alertmanager
  [MONITORING_IMAGES.alertmanager]: {
    Entrypoint: ["/bin/alertmanager"],
    Cmd: ["--config.file=/etc/alertmanager/alertmanager.yml", "--storage.path=/alertmanager"],
    User: "nobody",
    WorkingDir: "/alertmanager",
    ExposedPorts: ["9093/tcp"],
    Volumes: ["/alertmanager"],
  },
  // prometheus/blackbox_exporter
  [MONITORING_IMAGES.blackboxExporter]: {
    Entrypoint: ["/bin/blackbox_exporter"],
    Cmd: ["--config.file=/etc/blackbox_exporter/config.yml"],
    User: "",
    WorkingDir: "",
    ExposedPorts: ["9115/tcp"],
    Volumes: [],
  },
  // prometheus/mysqld_exporter
  [MONITORING_IMAGES.mysqldExporter]: {
    Entrypoint: ["/bin/mysqld_exporter"],
    Cmd: null,
    User: "nobody",
    WorkingDir: "",
    ExposedPorts: ["9104/tcp"],
    Volumes: [],
  },
  // google/cadvisor, deploy/Dockerfile (a placeholder here)
  [MONITORING_IMAGES.cadvisor]: {
    Entrypoint: ["/usr/bin/cadvisor", "-logtostderr"],
    Cmd: null,
    User: "",
    WorkingDir: "",
    ExposedPorts: ["8080/tcp"],
    Volumes: [],
  },
  // martin-helmich/prometheus-nginxlog-exporter, FROM scratch (a placeholder here)
  [MONITORING_IMAGES.nginxLogExporter]: {
    Entrypoint: ["/prometheus-nginxlog-exporter"],
    Cmd: null,
    User: "",
    WorkingDir: "",
    ExposedPorts: ["4040/tcp"],
    Volumes: [],
  },
  // grafana/grafana, packaging/docker/Dockerfile (a placeholder here)
  [MONITORING_IMAGES.grafana]: {
    Entrypoint: ["/run.sh"],
    Cmd: null,
    User: "472",
    WorkingDir: "/usr/share/grafana",
    ExposedPorts: ["3000/tcp"],
    Volumes: [],
  },
  // oliver006/redis_exporter (FROM scratch)
  [MONITORING_IMAGES.brokerExporter]: {
    Entrypoint: ["/redis_exporter"],
    Cmd: null,
    User: "59000:59000",
    WorkingDir: "",
    ExposedPorts: ["9121/tcp"],
    Volumes: [],
  },
};

const dir = fs.mkdtempSync(path.join("/var/tmp", "failmap-image-contracts-"));
let images: ImagesOnDockerd;

const docker = (args: readonly string[]) => images.docker.run(args);
const ok = (args: readonly string[]) => images.ok(args);

/** A container of the image on no network, started with `args` after the image name. */
const start = (name: string, reference: string, args: readonly string[] = [], options: string[] = []) =>
  ok(["run", "-d", "--name", name, "--network", "none", ...options, images.image(reference), ...args]);

/** GETs a page inside a container with busybox wget, as a health check would. */
const wget = (container: string, url: string) => docker(["exec", container, "wget", "-qO-", url]);
const served = (container: string, url: string, text: string) => () =>
  wget(container, url).output.includes(text);
/** The stack's health check of a monitoring program (HostNetworkContainer's `health`), as docker runs it. */
const stackHealthcheck = (container: string, port: number, urlPath: string) => {
  const [, ...command] = httpGetHealthcheck(`http://127.0.0.1:${port}${urlPath}`, "1s").test ?? [];
  return docker(["exec", container, ...command]).status;
};

beforeAll(async () => {
  images = await imagesOnDockerd(
    dir,
    rehearsalImages().filter((recipe) => recipe.reference in UPSTREAM),
  );
});

afterAll(async () => {
  await images?.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

test.each(Object.entries(UPSTREAM))("%s has the upstream image's configuration", (reference, contract) => {
  const config = JSON.parse(
    ok(["image", "inspect", "--format", "{{json .Config}}", images.image(reference)]),
  );
  expect({
    Entrypoint: config.Entrypoint,
    Cmd: config.Cmd,
    User: config.User,
    WorkingDir: config.WorkingDir,
    ExposedPorts: Object.keys(config.ExposedPorts ?? {}),
    Volumes: Object.keys(config.Volumes ?? {}),
    ...(contract.StopSignal ? { StopSignal: config.StopSignal } : {}),
  }).toEqual(contract);
});

describe("nginx", () => {
  test("the entrypoint runs /docker-entrypoint.d/ for nginx only, and execs any other command as it is", () => {
    const scripts = path.join(dir, "entrypoint.d");
    fs.mkdirSync(scripts);
    fs.writeFileSync(path.join(scripts, "50-mark.sh"), "#!/bin/sh\necho mark-script-ran\n", { mode: 0o755 });
    const mount = ["-v", `${scripts}:/docker-entrypoint.d:ro`];
    const asNginx = ok([
      "run",
      "--rm",
      "--network",
      "none",
      ...mount,
      images.image(NGINX_IMAGE),
      "nginx",
      "-t",
    ]);
    expect(asNginx).toContain("Launching /docker-entrypoint.d/50-mark.sh");
    expect(asNginx).toContain("mark-script-ran");
    expect(asNginx).toContain("test is successful");
    expect(
      ok(["run", "--rm", "--network", "none", ...mount, images.image(NGINX_IMAGE), "echo", "hello"]),
    ).toBe("hello");
  });

  test("the default command serves the welcome page, workers run as nginx, logs go to docker, reload works", async () => {
    start("nginx-default", NGINX_IMAGE);
    await until("nginx serves", served("nginx-default", "http://127.0.0.1/", "Welcome to nginx"));
    expect(ok(["exec", "nginx-default", "curl", "-fsS", "http://127.0.0.1/"])).toContain("Welcome to nginx");
    expect(ok(["exec", "nginx-default", "ps", "-o", "user,args"])).toMatch(/^nginx\s+nginx: worker process/m);
    expect(ok(["exec", "nginx-default", "nginx", "-s", "reload"])).toContain("signal process started");
    expect(ok(["logs", "nginx-default"])).toContain('"GET / HTTP/1.1" 200');
  });

  test("the stack's stream config (no load_module) passes nginx -t, by the entrypoint and by nginx itself", () => {
    const conf = path.join(dir, "endpoint");
    fs.mkdirSync(conf);
    const openssl = requireProgram("openssl", "openssl");
    execFileSync(
      openssl,
      [
        ...["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-days", "1"],
        ...[
          "-keyout",
          path.join(conf, "server.key"),
          "-out",
          path.join(conf, "server.crt"),
          "-subj",
          "/CN=t",
        ],
      ],
      { stdio: "ignore" },
    );
    fs.copyFileSync(path.join(conf, "server.crt"), path.join(conf, "client-ca.pem"));
    fs.writeFileSync(
      path.join(conf, "nginx.conf"),
      renderBrokerStreamConfig({
        listen: ["127.0.0.1:1337"],
        files: {
          certificate: `${conf}/server.crt`,
          key: `${conf}/server.key`,
          clientCa: `${conf}/client-ca.pem`,
          pid: "/var/run/nginx.pid",
        },
        allowedClientDns: ["CN=worker"],
        routes: [{ instance: "production", domain: "faalkaart.nl", address: "127.0.0.1:6379" }],
      }),
    );
    const run = ["run", "--rm", "--network", "none", "-v", `${conf}:${conf}:ro`];
    const test = ["-c", `${conf}/nginx.conf`, "-g", "daemon off;", "-t"];
    expect(ok([...run, images.image(NGINX_IMAGE), "nginx", ...test])).toContain("test is successful");
    expect(ok([...run, "--entrypoint", "nginx", images.image(NGINX_IMAGE), ...test])).toContain(
      "test is successful",
    );
  });
});

describe("redis", () => {
  test("redis-server runs as the redis user and owns /data; other commands run as they are, as root", async () => {
    ok(["volume", "create", "broker-data"]);
    ok([
      "run",
      "--rm",
      "-v",
      "broker-data:/data",
      "--entrypoint",
      "touch",
      images.image(BROKER_IMAGE),
      "/data/root-file",
    ]);
    start("redis-default", BROKER_IMAGE, [], ["-v", "broker-data:/data"]);
    await until(
      "redis answers",
      () => docker(["exec", "redis-default", "redis-cli", "ping"]).output === "PONG",
    );
    expect(ok(["exec", "redis-default", "stat", "-c", "%U", "/proc/1", "/data/root-file"])).toBe(
      "redis\nredis",
    );
    expect(ok(["run", "--rm", "--network", "none", images.image(BROKER_IMAGE), "id", "-u"])).toBe("0");
  });

  test("an option as the first argument means redis-server with it", async () => {
    start("redis-option", BROKER_IMAGE, ["--port", "7777"]);
    await until(
      "redis answers on 7777",
      () => docker(["exec", "redis-option", "redis-cli", "-p", "7777", "ping"]).output === "PONG",
    );
  });

  test("the broker's config file as the command, and the stack's health check", async () => {
    const conf = path.join(dir, "redis");
    fs.mkdirSync(conf);
    fs.writeFileSync(
      path.join(conf, "redis.conf"),
      renderRedisConfig({ password: "brokerpassword0123456789" }),
    );
    start(
      "redis-broker",
      BROKER_IMAGE,
      ["redis-server", "/usr/local/etc/redis/redis.conf"],
      ["-v", `${conf}:/usr/local/etc/redis:ro`, "--env", "REDISCLI_AUTH=brokerpassword0123456789"],
    );
    const [, check] = redisHealthcheck().test ?? [];
    await until(
      "the stack's health check passes",
      () => docker(["exec", "redis-broker", "sh", "-c", check]).status === 0,
    );
    // The exporter as Monitoring starts it (the broker's own network namespace here), as uid 59000.
    ok([
      ...["run", "-d", "--name", "broker-exporter", "--network", "container:redis-broker"],
      ...["--env", "REDIS_PASSWORD=brokerpassword0123456789"],
      images.image(MONITORING_IMAGES.brokerExporter),
      ...brokerExporterArgs({ address: "127.0.0.1:6379" }, "127.0.0.1:9121"),
    ]);
    await until(
      "the exporter reports the broker up",
      served("redis-broker", "http://127.0.0.1:9121/metrics", "redis_up 1"),
    );
    expect(ok(["top", "broker-exporter", "-o", "pid,uid"])).toMatch(/\s59000$/m);
  });
});

describe("Prometheus and its exporters", () => {
  test("prometheus: the default command is ready, as nobody, with promtool beside it", async () => {
    start("prometheus", MONITORING_IMAGES.prometheus);
    await until("prometheus is ready", served("prometheus", "http://127.0.0.1:9090/-/ready", "Ready"));
    expect(stackHealthcheck("prometheus", 9090, "/-/ready")).toBe(0);
    expect(ok(["exec", "prometheus", "id", "-u"])).toBe("65534");
    expect(
      ok(["exec", "prometheus", "promtool", "check", "config", "/etc/prometheus/prometheus.yml"]),
    ).toContain("SUCCESS");
  });

  test("alertmanager: the default config and storage path work, as nobody, with amtool beside it", async () => {
    // The default command plus no cluster: with no network there is no address to gossip on (as upstream).
    const defaults = UPSTREAM[MONITORING_IMAGES.alertmanager].Cmd ?? [];
    start("alertmanager", MONITORING_IMAGES.alertmanager, [...defaults, "--cluster.listen-address="]);
    await until("alertmanager is ready", served("alertmanager", "http://127.0.0.1:9093/-/ready", "OK"));
    expect(stackHealthcheck("alertmanager", 9093, "/-/ready")).toBe(0);
    expect(ok(["exec", "alertmanager", "id", "-u"])).toBe("65534");
    expect(
      ok(["exec", "alertmanager", "amtool", "check-config", "/etc/alertmanager/alertmanager.yml"]),
    ).toContain("SUCCESS");
  });

  test("blackbox exporter: the default command and the stack's config probe, as root", async () => {
    start("blackbox", MONITORING_IMAGES.blackboxExporter);
    await until("blackbox is healthy", served("blackbox", "http://127.0.0.1:9115/-/healthy", "Healthy"));
    expect(stackHealthcheck("blackbox", 9115, "/-/healthy")).toBe(0);
    expect(ok(["exec", "blackbox", "id", "-u"])).toBe("0");
    const conf = path.join(dir, "blackbox");
    fs.mkdirSync(conf);
    fs.writeFileSync(path.join(conf, "blackbox.yml"), renderBlackboxConfig());
    start(
      "blackbox-stack",
      MONITORING_IMAGES.blackboxExporter,
      ["--config.file=/etc/blackbox/blackbox.yml", "--web.listen-address=127.0.0.1:9115"],
      ["-v", `${conf}:/etc/blackbox:ro`],
    );
    await until(
      "blackbox serves the stack's config",
      served("blackbox-stack", "http://127.0.0.1:9115/config", "modules"),
    );
  });

  test("mysqld exporter: the stack's flags, as nobody, reporting the database down when there is none", async () => {
    const conf = path.join(dir, "mysqld-exporter");
    fs.mkdirSync(conf);
    fs.writeFileSync(
      path.join(conf, "my.cnf"),
      "[client]\nuser=monitoring\npassword=secret\nsocket=/run/mysqld/mysqld.sock\n",
    );
    start(
      "mysqld-exporter",
      MONITORING_IMAGES.mysqldExporter,
      ["--config.my-cnf=/etc/mysqld-exporter/my.cnf", "--web.listen-address=127.0.0.1:9104"],
      ["-v", `${conf}:/etc/mysqld-exporter:ro`],
    );
    await until(
      "the exporter answers",
      served("mysqld-exporter", "http://127.0.0.1:9104/metrics", "mysql_up 0"),
    );
    expect(stackHealthcheck("mysqld-exporter", 9104, "/")).toBe(0);
    expect(ok(["exec", "mysqld-exporter", "id", "-u"])).toBe("65534");
  });
});

describe("placeholders for the images Debian has no package for", () => {
  /** Each placeholder's container as the example organisation's stack makes it. */
  const CONTAINERS: Record<string, string> = {
    [MONITORING_IMAGES.cadvisor]: "failmap-cadvisor",
    [MONITORING_IMAGES.nginxLogExporter]: "failmap-nginx-log-exporter",
    [MONITORING_IMAGES.grafana]: "failmap-grafana",
  };
  const stackContainers = new Map(
    resourcesOf(synthOrganisation(loadExample()), "docker_container").map((c) => [c.name as string, c]),
  );

  test("there is one for each image Debian has no package for, and the stack runs each", () => {
    expect(Object.keys(CONTAINERS).sort()).toEqual([...NOT_IN_DEBIAN].sort());
    for (const name of Object.values(CONTAINERS)) expect(stackContainers.has(name)).toBe(true);
  });

  test.each(NOT_IN_DEBIAN)(
    "%s: with the stack's command and environment it passes the stack's health check and nothing else, says it is a placeholder, and stops at once on SIGTERM",
    async (reference) => {
      const name = CONTAINERS[reference];
      const stack = stackContainers.get(name);
      if (!stack) throw new Error(`the example organisation's stack has no ${name}`);
      const check: readonly string[] = stack.healthcheck?.test ?? [];
      // The stack's health check as docker runs it (CMD form: the image's wget); the stack's host network and
      // mounts are left out: a placeholder reads nothing from them.
      start(name, reference, stack.command ?? [], [
        ...(stack.env ?? []).flatMap((e: string) => ["--env", e]),
        ...(check[0] === "CMD" ? ["--health-cmd", check.slice(1).join(" "), "--health-interval", "1s"] : []),
      ]);
      const labels = JSON.parse(ok(["inspect", "--format", "{{json .Config.Labels}}", name]));
      expect(labels).toEqual({
        "org.failmap.rehearsal": "placeholder",
        "org.failmap.rehearsal.placeholder-for": reference,
      });
      const url = check.find((arg) => arg.startsWith("http://"));
      if (url) {
        await until(
          `${name} is healthy`,
          () => ok(["inspect", "--format", "{{.State.Health.Status}}", name]) === "healthy",
        );
        const root = new URL("/", url).href;
        for (const other of [root, `${root}metrics`, `${url.replace(/[^/]*$/, "")}metrics`]) {
          expect({ [other]: wget(name, other).status }).not.toEqual({ [other]: 0 });
        }
      } else {
        // No health check: it stays up and listens nowhere, so the exporter's metrics port is closed.
        expect(stack.healthcheck).toBeUndefined();
        await new Promise((resolve) => setTimeout(resolve, 2000));
        expect(ok(["inspect", "--format", "{{.State.Status}}", name])).toBe("running");
        expect(wget(name, "http://127.0.0.1:4040/metrics").status).not.toBe(0);
      }
      expect(ok(["logs", name])).toContain(`placeholder for ${reference}`);
      const stopping = Date.now();
      ok(["stop", "--time", "30", name]);
      expect((Date.now() - stopping) / 1000).toBeLessThan(5);
      expect(ok(["inspect", "--format", "{{.State.ExitCode}}", name])).toBe("0");
    },
  );
});
