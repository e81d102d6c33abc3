import { Network } from "@cdktf/provider-docker/lib/network";
import { resolveOrganisation, type InstanceModel } from "../../../config/model/organisation-model";
import { isScannerRole, WORKER_ROLES, workerRole, type WorkerRole } from "../../../config/worker-roles";
import { workerContainers, Workers } from "../../../constructs/app/workers";
import { dockerRunArguments } from "../../../constructs/remote-workers/render-worker-containers";
import { ExistingHost } from "../../../constructs/host/existing-host";
import { PinnedImage } from "../../../constructs/host/pinned-image";
import { loadExample } from "../../support/organisations";
import { ready } from "../../support/ready-host";
import { fakeDatabase, HOST_KEY } from "./fixture";
import { policyStack, synthWithPolicy } from "../../support/policy-stack";

/*
 * Every row of the role table, on both kinds of host: a new role is one row in config/worker-roles.ts, and
 * these tests cover it without a change.
 */
const SCANNERS = WORKER_ROLES.filter(isScannerRole);
const DATABASE_ROLES = WORKER_ROLES.filter((role) => !isScannerRole(role));
const SENTRY_DSN = "https://key@sentry.example/1";
const CLIENT_CERTIFICATES = { hostPath: "/etc/failmap/remote-worker/tls", containerPath: "/etc/failmap/tls" };
const ENV_DIR = "/etc/failmap/workers/env";

/** production runs every role on the main host, and every scanner role on the worker host too. */
function everyRole() {
  const org = loadExample("faalkaart", (d) => {
    d.instances.production.workers = WORKER_ROLES.map((role) => ({ role }));
    d.instances.production.sentryDsn = SENTRY_DSN;
    d.remoteWorkers.hosts.scanners.roles = { production: SCANNERS.map((role) => ({ role })) };
  });
  const model = resolveOrganisation(org);
  return { production: model.instances.find((i) => i.name === "production")!, model };
}

const IMAGE = { id: "sha256:app", manageCommand: "websecmap" };

/** The main host's docker_containers, by name, and a worker host's containers with their docker run arguments. */
function synthWorkers(instance: InstanceModel, workerHostName: string) {
  const stack = policyStack();
  const main = ready(
    new ExistingHost(stack, "main", {
      fqdn: "main.faalkaart.nl",
      address: "192.0.2.10",
      hostPublicKey: HOST_KEY,
    }),
  );
  const network = new Network(stack, "network", {
    provider: main.dockerProvider(),
    name: "failmap-production",
  });
  new Workers(stack, "on-main", {
    host: main,
    instance,
    site: { kind: "main", network },
    env: {
      instance,
      brokerUrl: "redis://:pw@failmap-production-broker:6379/0",
      database: fakeDatabase("production"),
      secretKey: "s3cret",
    },
    image: {
      ...IMAGE,
      id: new PinnedImage(stack, "image", { host: main, reference: "websecmap/websecmap" }).id,
    },
  });
  const onWorkerHost = workerContainers({
    instance,
    site: { kind: "worker-host", host: workerHostName, clientCertificates: CLIENT_CERTIFICATES },
    hostFqdn: `${workerHostName}.faalkaart.nl`,
    env: {
      instance,
      brokerUrl: "rediss://:pw@faalkaart.nl:1337/0?ssl_cert_reqs=required&ssl_check_hostname=true",
    },
    image: { ...IMAGE, id: "websecmap/websecmap@sha256:0123" },
  }).map((spec) => {
    const container = { name: instance.names.container(spec.role), instance: instance.name, spec };
    return { ...spec, name: container.name, args: dockerRunArguments("faalkaart", ENV_DIR, container) };
  });
  const json = synthWithPolicy(stack);
  const containers = Object.values<Record<string, any>>(json.resource.docker_container);
  return {
    main: new Map<string, any>(containers.map((c) => [c.name as string, c])),
    workerHost: new Map(onWorkerHost.map((c) => [c.name, c])),
  };
}

const containerOf = (role: WorkerRole) => `failmap-production-worker-${role.replace(/_/g, "-")}-1`;
const envOf = (c: { readonly env: readonly string[] }) =>
  Object.fromEntries(c.env.map((l) => [l.slice(0, l.indexOf("=")), l.slice(l.indexOf("=") + 1)]));

describe("Workers, for every role of the table", () => {
  const { production, model } = everyRole();
  const { main, workerHost } = synthWorkers(production, model.workerHosts[0].name);

  it.each(WORKER_ROLES)("runs %s on the main host with the pool and concurrency of its row", (role) => {
    const { pool, concurrency } = workerRole(role);
    const c = main.get(containerOf(role))!;
    expect(c.command).toEqual([
      "celery",
      "worker",
      "--loglevel=info",
      `--concurrency=${concurrency}`,
      "-P",
      pool,
    ]);
    expect(c.networks_advanced).toEqual([{ name: "${docker_network.network.name}" }]);
    expect(envOf(c)).toMatchObject({ WORKER_ROLE: role, SENTRY_DSN, HOST_HOSTNAME: "main.faalkaart.nl" });
  });

  it("sizes memory by pool: prefork holds a Django process per slot, eventlet green threads, threads more", () => {
    const memory = (c: Record<string, any>) => c.memory as number;
    expect(memory(main.get(containerOf("storage"))!)).toBe(256 + 192 * 6);
    expect(memory(main.get(containerOf("qualys"))!)).toBe(512 + 8 * 40);
    expect(workerHost.get(containerOf("qualys"))!.memoryMb).toBe(512 + 16 * 40);
  });

  /*
   * A worker host reaches its broker over TLS, where Debian's eventlet 0.33 with redis-py 4.3 never connects
   * (eventlet #692; test/system/broker-endpoint/remote-worker-celery.test.ts runs this very command). So a
   * role that runs eventlet on the main host runs Celery's threads pool there, with the same concurrency:
   * its tasks wait on the network in OS threads instead of green ones. All else is the main host's.
   */
  it.each(SCANNERS)(
    "runs the scanner %s on a worker host as on the main host, but with threads for eventlet, wired for that host",
    (role) => {
      const here = workerHost.get(containerOf(role))!;
      const there = main.get(containerOf(role))!;
      const placeless = (c: { readonly env: readonly string[] }) =>
        Object.fromEntries(Object.entries(envOf(c)).filter(([k]) => k !== "BROKER" && k !== "HOST_HOSTNAME"));
      const env = placeless(here);
      expect(env).toEqual(placeless(there));
      expect(env).toMatchObject({ SENTRY_DSN, WORKER_ROLE: role });
      expect(envOf(here)).toMatchObject({
        BROKER: expect.stringMatching(/^rediss:\/\/.*ssl_cert_reqs=required/),
        HOST_HOSTNAME: "scanners-1.faalkaart.nl",
      });
      const { pool, concurrency } = workerRole(role);
      expect(pool).toBe("eventlet");
      const command = (p: string) => [
        "celery",
        "worker",
        "--loglevel=info",
        `--concurrency=${concurrency}`,
        "-P",
        p,
      ];
      expect(there.command).toEqual(command("eventlet"));
      expect(here.command).toEqual(command("threads"));

      // What FailmapContainer gives the main host's container, docker run gives the worker host's.
      const health = there.healthcheck;
      expect(health.test[0]).toBe("CMD-SHELL");
      expect(here.args).toEqual([
        `--name=${there.name}`,
        `--hostname=${there.hostname}`,
        "--network=host",
        `--restart=${there.restart}`,
        `--user=${there.user}`,
        `--memory=${here.memoryMb}m`,
        `--memory-swap=${here.memoryMb}m`,
        `--env-file=${ENV_DIR}/${there.name}`,
        `--volume=${CLIENT_CERTIFICATES.hostPath}:${CLIENT_CERTIFICATES.containerPath}:ro`,
        ...(there.labels as { label: string; value: string }[])
          .filter((l) => l.label !== "failmap.healthcheck")
          .map((l) => `--label=${l.label}=${l.value}`),
        `--health-cmd=${health.test[1]}`,
        `--health-interval=${health.interval}`,
        `--health-timeout=${health.timeout}`,
        `--health-retries=${health.retries}`,
        `--health-start-period=${health.start_period}`,
        `--stop-timeout=${there.stop_timeout}`,
        `--log-driver=${there.log_driver}`,
        `--log-opt=max-size=${there.log_opts["max-size"]}`,
        `--log-opt=max-file=${there.log_opts["max-file"]}`,
        "websecmap/websecmap@sha256:0123",
        ...command("threads"),
      ]);
      expect(there.user).toBe("65534:65534");
      expect(there.mounts).toBeUndefined();
    },
  );

  it.each(DATABASE_ROLES)("gives %s the database socket and settings on the main host only", (role) => {
    const c = main.get(containerOf(role))!;
    expect(c.mounts).toEqual([
      { type: "bind", source: "/run/mysqld", target: "/run/mysqld", read_only: true },
    ]);
    expect(envOf(c).DB_USER).toBe("failmap_production");
    expect(workerHost.has(containerOf(role))).toBe(false);
    const placedOnWorkerHost: InstanceModel = {
      ...production,
      workers: production.workers
        .filter((w) => w.worker.role === role)
        .map((w) => ({ ...w, placement: { kind: "worker-host", host: "scanners-1" } })),
    };
    expect(() => synthWorkers(placedOnWorkerHost, "scanners-1")).toThrow(
      new RegExp(`the ${role} worker needs the database, which only the main host has`),
    );
  });

  it("runs the beat scheduler on the main host only", () => {
    expect(main.has("failmap-production-scheduler")).toBe(true);
    expect([...workerHost.keys()].sort()).toEqual(SCANNERS.map(containerOf).sort());
  });
});

describe("Workers refuse", () => {
  it("a role listed twice for one host", () => {
    const { production } = everyRole();
    const [first] = production.workers;
    const twice: InstanceModel = { ...production, workers: [first, first] };
    expect(() => synthWorkers(twice, "scanners-1")).toThrow(/lists worker role 'default' twice/);
  });
});
