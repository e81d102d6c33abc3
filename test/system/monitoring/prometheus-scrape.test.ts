import fs from "node:fs";
import http from "node:http";
import path from "node:path";
import { parse, stringify } from "yaml";
import { containersByName, synthMonitoring, uploadedFiles } from "../../unit/monitoring/fixture";
import { freePort, requireProgram } from "../support/programs";
import { eventually, PROMETHEUS, removeTempDirs, start, tempDir, writeFiles } from "./programs";

// Budget of each test and hook: the slowest test 5.9 s, the daemons' start 14 s, with stress-ng --cpu 2
// beside another system-tier run and other work on the 2-core machine (load 16 to 36, 7 December).
jest.setTimeout(120_000); // above the 60 s of its eventually()

type Job = {
  job_name: string;
  static_configs: { targets: string[] }[];
  relabel_configs?: { target_label: string; replacement?: string }[];
};

/** The synthesized prometheus.yml with every target pointed at the stub, and scrapes every second. */
function rewriteTargets(yaml: string, stub: string): { config: string; targets: number } {
  const config = parse(yaml);
  config.global.scrape_interval = "1s";
  let targets = 0;
  for (const job of config.scrape_configs as Job[]) {
    for (const s of job.static_configs) {
      if (job.job_name !== "tls") s.targets = s.targets.map(() => stub);
      targets += s.targets.length;
    }
    for (const r of job.relabel_configs ?? []) if (r.target_label === "__address__") r.replacement = stub;
  }
  return { config: stringify(config, { lineWidth: 0 }), targets };
}

describe("real Prometheus on the rendered configuration", () => {
  const { json } = synthMonitoring();
  const files = uploadedFiles(json);
  const prometheusCommand = containersByName(json).get("failmap-prometheus")!.command as string[];
  let stubServer: http.Server | undefined;
  let prometheus: ReturnType<typeof start> | undefined;
  let dir: string;
  let api: string;

  beforeAll(async () => {
    requireProgram(PROMETHEUS, "prometheus");
    const stub = http.createServer((_req, res) => {
      res.writeHead(200, { "content-type": "text/plain; version=0.0.4" });
      res.end("# TYPE failmap_stub_value gauge\nfailmap_stub_value 42\n");
    });
    stubServer = stub;
    const stubPort = await freePort();
    await new Promise<void>((r) => stub.listen(stubPort, "127.0.0.1", r));
    const { config } = rewriteTargets(
      files.get("/etc/failmap/monitoring/prometheus/prometheus.yml")!,
      `127.0.0.1:${stubPort}`,
    );

    dir = tempDir("prometheus");
    writeFiles(dir, {
      "etc/prometheus.yml": config,
      "etc/rules/failmap.yml": files.get("/etc/failmap/monitoring/prometheus/rules/failmap.yml")!,
    });
    const port = await freePort();
    api = `http://127.0.0.1:${port}/api/v1`;
    // The container's own flags, with its paths and listen address moved into the test's temp dir and port.
    const args = prometheusCommand.map((a) =>
      a
        .replace("--config.file=/etc/prometheus/prometheus.yml", `--config.file=${dir}/etc/prometheus.yml`)
        .replace("--storage.tsdb.path=/prometheus", `--storage.tsdb.path=${dir}/data`)
        .replace(/^--web\.listen-address=.*/, `--web.listen-address=127.0.0.1:${port}`),
    );
    prometheus = start(PROMETHEUS, args);
    await eventually(
      async () => ((await fetch(`http://127.0.0.1:${port}/-/ready`)).ok ? true : undefined),
      "Prometheus ready",
    );
  });

  afterAll(async () => {
    await prometheus?.stop();
    // The stub exists only if beforeAll got that far (a missing prometheus stops it first).
    const stub = stubServer;
    if (stub) await new Promise((r) => stub.close(r));
    removeTempDirs();
  });

  const get = async (p: string): Promise<any> =>
    ((await (await fetch(`${api}${p}`)).json()) as { data: unknown }).data;

  it("scrapes every job of the configuration", async () => {
    const expected = rewriteTargets(
      files.get("/etc/failmap/monitoring/prometheus/prometheus.yml")!,
      "x",
    ).targets;
    const targets = await eventually(async () => {
      const active: { health: string; labels: Record<string, string> }[] = (await get("/targets"))
        .activeTargets;
      return active.length === expected && active.every((t) => t.health === "up") ? active : undefined;
    }, `all targets up\n${prometheus?.output()}`);
    expect(new Set(targets.map((t) => t.labels.job))).toEqual(
      new Set(["prometheus", "alertmanager", "node", "cadvisor", "nginx", "mysql", "broker", "tls"]),
    );
  });

  it("stores the samples with the labels the dashboards and alerts rely on", async () => {
    const q = encodeURIComponent('failmap_stub_value{job="broker"}');
    const result: { metric: Record<string, string>; value: [number, string] }[] = await eventually(
      async () => {
        const r = (await get(`/query?query=${q}`)).result;
        return r.length === 2 ? r : undefined;
      },
      "broker samples",
    );
    expect(result.map((r) => r.metric.failmap_instance).sort()).toEqual(["production", "staging"]);
    expect(result.every((r) => r.value[1] === "42")).toBe(true);
    const nodes = (await get(`/query?query=${encodeURIComponent('failmap_stub_value{job="node"}')}`)).result;
    expect(nodes.map((r: { metric: { host: string } }) => r.metric.host).sort()).toEqual([
      "main",
      "scanners-1",
    ]);
  });

  it("loads the alert rules and keeps data no longer than the organisation's retention", async () => {
    const groups = (await get("/rules")).groups;
    expect(groups[0].rules.map((r: { name: string }) => r.name)).toContain("BackupMissing");
    const runtime = await get("/status/runtimeinfo");
    expect(runtime.storageRetention).toBe("30d or 5GiB");
  });

  it("re-reads a changed configuration on SIGHUP without a restart", async () => {
    const file = path.join(dir, "etc/prometheus.yml");
    const config = parse(fs.readFileSync(file, "utf8"));
    config.global.external_labels.reloaded = "yes";
    fs.writeFileSync(file, stringify(config, { lineWidth: 0 }));
    const pid = prometheus!.child.pid;
    prometheus!.child.kill("SIGHUP");
    await eventually(async () => {
      const yaml: string = (await get("/status/config")).yaml;
      return yaml.includes('reloaded: "yes"') || yaml.includes("reloaded: yes") ? true : undefined;
    }, "the reloaded configuration");
    expect(prometheus!.child.pid).toBe(pid);
    expect(prometheus!.child.exitCode).toBeNull();
  });
});
