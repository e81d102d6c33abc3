import { resolveOrganisation } from "../../../config/model/organisation-model";
import { Resource } from "@cdktf/provider-null/lib/resource";
import { Testing, TerraformStack } from "cdktf";
import type { Organisation } from "../../../config/schema";
import { FailmapInstance } from "../../../constructs/app/failmap-instance";
import { ExistingHost } from "../../../constructs/host/existing-host";
import { faalkaart, fakeDatabase, HOST_KEY, synthFaalkaart } from "./fixture";

type Block = Record<string, unknown>;
interface ContainerJson {
  name: string;
  hostname: string;
  env: string[];
  command: string[];
  user?: string;
  stop_timeout?: number;
  destroy_grace_seconds?: number;
  ports?: { internal: number; external: number; ip: string }[];
  mounts?: { type: string; source: string; target: string; read_only?: boolean }[];
  healthcheck?: {
    test: string[];
    interval?: string;
    timeout?: string;
    start_period?: string;
    retries?: number;
  };
  depends_on: string[];
  image: string;
  restart: string;
  log_driver: string;
  log_opts: Record<string, string>;
  memory: number;
  memory_swap?: number;
  wait?: boolean;
  wait_timeout?: number;
  upload?: { file: string; content: string }[];
  networks_advanced: { name: string }[];
}

const { synthesized, instances } = synthFaalkaart();
const containers = Object.values(synthesized.resource.docker_container) as unknown as ContainerJson[];
const byName = (name: string) => {
  const found = containers.find((c) => c.name === name);
  if (!found) throw new Error(`no container ${name}; have ${containers.map((c) => c.name).join(", ")}`);
  return found;
};
const envOf = (c: ContainerJson) =>
  Object.fromEntries(c.env.map((l) => [l.split("=")[0], l.slice(l.indexOf("=") + 1)]));
const nullResources = synthesized.resource.null_resource as Record<string, Block>;
const [production, staging] = instances;

describe("FailmapInstance", () => {
  it("runs the expected containers for faalkaart's two instances", () => {
    expect(containers.map((c) => c.name).sort()).toEqual([
      "failmap-production-admin",
      "failmap-production-broker",
      "failmap-production-frontend",
      "failmap-production-interactive",
      "failmap-production-scheduler",
      "failmap-production-worker-all-internet-1",
      "failmap-production-worker-default-1",
      "failmap-production-worker-qualys-1",
      "failmap-production-worker-storage-1",
      "failmap-staging-admin",
      "failmap-staging-broker",
      "failmap-staging-frontend",
      "failmap-staging-scheduler",
      "failmap-staging-worker-all-internet-1",
      "failmap-staging-worker-default-1",
    ]);
  });

  it("gives scanner workers no database settings and no database socket", () => {
    for (const name of [
      "production-worker-all-internet-1",
      "production-worker-qualys-1",
      "staging-worker-all-internet-1",
    ]) {
      const c = byName(`failmap-${name}`);
      expect(Object.keys(envOf(c)).filter((k) => k.startsWith("DB_") || k === "SECRET_KEY")).toEqual([]);
      expect(c.mounts ?? []).toEqual([]);
    }
    expect(envOf(byName("failmap-production-worker-storage-1")).DB_USER).toBe("failmap_production");
  });

  it("gives the frontend the read-only account and the admin the full one", () => {
    expect(envOf(byName("failmap-production-frontend"))).toMatchObject({
      APPLICATION_MODE: "frontend",
      DB_USER: "failmap_production_ro",
      DB_PASSWORD: "ro-production-pw",
    });
    expect(envOf(byName("failmap-production-admin")).DB_USER).toBe("failmap_production");
    expect(envOf(byName("failmap-production-interactive")).APPLICATION_MODE).toBe("interactive");
    expect(byName("failmap-production-frontend").command).toEqual(["runuwsgi"]);
  });

  it("publishes only the web apps and the broker, and only on 127.0.0.1", () => {
    const published = containers.filter((c) => c.ports).map((c) => c.name.replace(/^failmap-[a-z]+-/, ""));
    expect(new Set(published)).toEqual(new Set(["frontend", "admin", "interactive", "broker"]));
    for (const c of containers) for (const p of c.ports ?? []) expect(p.ip).toBe("127.0.0.1");
  });

  it("keeps two instances on one host apart: names, networks, volumes and ports", () => {
    const unique = (values: unknown[]) => expect(new Set(values).size).toBe(values.length);
    unique(containers.map((c) => c.name));
    unique(containers.map((c) => c.hostname));
    unique(containers.flatMap((c) => (c.ports ?? []).map((p) => `${p.ip}:${p.external}`)));
    const networks = Object.values(synthesized.resource.docker_network).map((n) => n.name);
    expect(networks).toEqual(["failmap-production", "failmap-staging"]);
    const volumes = Object.values(synthesized.resource.docker_volume).map((v) => v.name);
    expect(volumes).toEqual(["failmap-production-broker", "failmap-staging-broker"]);
    expect(byName("failmap-staging-frontend").networks_advanced[0].name).toMatch(
      /docker_network\.instance-staging_/,
    );
  });

  it("exposes where nginx, the broker endpoint and monitoring find each instance, by its slot", () => {
    // production and staging get slots 12 and 4 from their names (config/model/slots.ts).
    expect(production.upstreams).toEqual({
      frontend: "127.0.0.1:8110",
      admin: "127.0.0.1:8111",
      interactive: "127.0.0.1:8112",
    });
    expect(staging.upstreams).toEqual({
      frontend: "127.0.0.1:8030",
      admin: "127.0.0.1:8031",
      interactive: undefined,
    });
    expect(staging.broker.address).toBe("127.0.0.1:6383");
    expect(byName("failmap-staging-broker").ports).toEqual([
      { internal: 6379, external: 6383, ip: "127.0.0.1", protocol: "tcp" },
    ]);
    expect(byName("failmap-staging-admin").ports?.[0].external).toBe(8031);
  });

  // Its docker resources wait for the bootstrap by the stack's policy (test/unit/stacks/after-bootstrap.test.ts).
  it("runs the migrations after the bootstrap", () => {
    const migrations = Object.entries(nullResources).filter(([id]) => id.includes("migrations"));
    for (const [, r] of migrations) expect(r.depends_on).toContain("null_resource.bootstrap");
  });

  // Pulled by digest as every image is, by the stack's policy (test/unit/stacks/pinned-images.test.ts).
  it("runs the instance's app image in its app containers", () => {
    const lookups = synthesized.data?.docker_registry_image ?? {};
    const [lookupId] = Object.entries(lookups).find(([id]) => id.startsWith("instance-production_image"))!;
    const images = synthesized.resource.docker_image as Record<
      string,
      { name: string; keep_locally: boolean }
    >;
    const [imageId, image] = Object.entries(images).find(([, i]) =>
      i.name.includes(`data.docker_registry_image.${lookupId}.`),
    )!;
    expect(image.keep_locally).toBe(true);
    expect(byName("failmap-production-admin").image).toBe(`\${docker_image.${imageId}.image_id}`);
    expect(production.image).toContain("websecmap/websecmap@");
  });

  it("stops workers gracefully and runs them unprivileged", () => {
    const workers = containers.filter((c) => c.name.includes("-worker-"));
    expect(workers).toHaveLength(6);
    for (const w of workers) {
      expect(w).toMatchObject({ stop_timeout: 300, destroy_grace_seconds: 300, user: "65534:65534" });
      expect(envOf(w).WORKER_ROLE).toBeDefined();
    }
    expect(byName("failmap-production-worker-storage-1").command).toEqual([
      "celery",
      "worker",
      "--loglevel=info",
      "--concurrency=6",
      "-P",
      "prefork",
    ]);
    expect(byName("failmap-staging-worker-all-internet-1").command).toContain("eventlet");
    expect(byName("failmap-staging-worker-all-internet-1").command).toContain("--concurrency=10");
  });

  it("health-checks the web apps with their own Host header, and workers with a Celery ping", () => {
    const script = (name: string) => byName(name).healthcheck!.test.join(" ");
    expect(script("failmap-production-frontend")).toContain(`headers={"Host": "faalkaart.nl"}`);
    expect(script("failmap-production-admin")).toContain(`headers={"Host": "admin.faalkaart.nl"}`);
    expect(script("failmap-staging-frontend")).toContain(`headers={"Host": "staging.faalkaart.nl"}`);
    expect(script("failmap-production-worker-default-1")).toMatch(
      /websecmap celery inspect ping .*celery@\$\(hostname\)/,
    );
    expect(script("failmap-production-broker")).toContain("redis-cli ping");
  });

  // Restart, log rotation and memory limits are the stack's container policy (test/unit/stacks/container-policy.test.ts).
  it("gives every container at least 30 s to stop, in a replacement as in a stop", () => {
    for (const c of containers) {
      expect(c.destroy_grace_seconds).toBeGreaterThanOrEqual(30);
      expect(c.stop_timeout).toBe(c.destroy_grace_seconds);
    }
  });

  it("makes the apply wait until each container with a healthcheck is healthy, as long as docker may take", () => {
    const web = byName("failmap-production-frontend");
    // Start period 1m0s, then 3 failed checks of 30 s interval and 20 s timeout, and one more.
    expect(web).toMatchObject({ wait: true, wait_timeout: 60 + 4 * (30 + 20) });
    const worker = byName("failmap-production-worker-default-1");
    expect(worker).toMatchObject({ wait: true, wait_timeout: 60 + 4 * (60 + 45) });
    expect(byName("failmap-production-broker")).toMatchObject({ wait: true, wait_timeout: 4 * (30 + 10) });
    // celery beat answers no ping: docker's restart on exit is all there is, and the apply cannot wait for it.
    const beat = byName("failmap-production-scheduler");
    expect(beat.healthcheck).toBeUndefined();
    expect(beat.wait).toBeUndefined();
  });

  it("runs the migrations once per image, before any app container", () => {
    const [migrateId, migrate] = Object.entries(nullResources).find(([id]) =>
      id.startsWith("instance-production_migrations"),
    )!;
    const imageRef = byName("failmap-production-admin").image;
    expect(migrate.triggers).toMatchObject({ image: imageRef });
    const script = JSON.stringify(migrate.provisioner);
    expect(script).toContain("--env-file '/etc/failmap/production/app.env'");
    expect(script).toContain("migrate --noinput");
    expect(script).toContain(imageRef);
    for (const c of containers.filter(
      (c) => c.name.startsWith("failmap-production-") && !c.name.endsWith("broker"),
    )) {
      expect(c.depends_on).toContain(`null_resource.${migrateId}`);
    }
  });

  it("writes the host commands' env file with the full account, readable by root only", () => {
    const files = JSON.stringify(
      nullResources[Object.keys(nullResources).find((id) => id.startsWith("instance-production_env-files"))!],
    );
    expect(files).toContain("install -D -m 0600 -o root -g root");
    expect(files).toContain("/etc/failmap/production/app.env");
    expect(files).toContain("DB_USER=failmap_production\\n");
    expect(files).toMatch(/FAILMAP_IMAGE='?websecmap\/websecmap@/);
    expect(production.envFile).toBe("/etc/failmap/production/app.env");
  });

  it("configures the broker with its password and keeps its data on the volume", () => {
    const broker = byName("failmap-production-broker");
    const conf = broker.upload![0].content;
    expect(conf).toMatch(
      /user default on >\$\{random_password\.instance-production_broker_password_\w+\.result\}/,
    );
    expect(conf).toContain("appendonly yes");
    expect(broker.mounts).toEqual([
      { type: "volume", source: expect.stringContaining("docker_volume"), target: "/data" },
    ]);
    expect(envOf(byName("failmap-production-admin")).BROKER).toBe(
      "redis://:${random_password.instance-production_broker_password_E83205D6.result}@failmap-production-broker:6379/0",
    );
    expect(production.broker.password).toMatch(/TfToken/);
  });
});

describe("FailmapInstance refuses wiring mistakes", () => {
  const build = (org: Organisation, name: string, database = fakeDatabase(name)) => {
    const stack = new TerraformStack(Testing.app(), "t");
    const host = new ExistingHost(stack, "main", {
      fqdn: org.server.fqdn,
      address: "192.0.2.10",
      hostPublicKey: HOST_KEY,
    });
    host.markReady(new Resource(stack, "bootstrap", {}));
    const instance = resolveOrganisation(org).instances.find((i) => i.name === name)!;
    return new FailmapInstance(stack, "i", { host, instance, database });
  };

  it("another instance's database credentials", () => {
    expect(() => build(faalkaart(), "staging", fakeDatabase("production"))).toThrow(
      /credentials of 'production'; pass the credentials created for staging/,
    );
  });

  it("a host without its bootstrap, since every container waits for it", () => {
    const org = faalkaart();
    const stack = new TerraformStack(Testing.app(), "t");
    const host = new ExistingHost(stack, "main", {
      fqdn: org.server.fqdn,
      address: "192.0.2.10",
      hostPublicKey: HOST_KEY,
    });
    const instance = resolveOrganisation(org).instances[0];
    expect(
      () => new FailmapInstance(stack, "i", { host, instance, database: fakeDatabase(instance.name) }),
    ).toThrow(/main has no HostBootstrap yet/);
  });
});
