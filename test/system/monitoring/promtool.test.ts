import path from "node:path";
import { stringify } from "yaml";
import { ALERT_RULES, BACKUP_METRIC, renderAlertRules } from "../../../constructs/monitoring/alert-rules";
import { renderAlertmanagerConfig } from "../../../constructs/monitoring/alertmanager-config";
import { renderBlackboxConfig } from "../../../constructs/monitoring/blackbox-config";
import { DASHBOARDS } from "../../../constructs/monitoring/grafana/dashboards";
import { renderPrometheusConfig } from "../../../constructs/monitoring/prometheus-config";
import { requireProgram } from "../support/programs";
import { PROMTOOL, removeTempDirs, run, tempDir, writeFiles } from "./programs";

// Budget of each test and hook: the slowest test 27 s (promtool test rules on every alert), with stress-ng
// --cpu 2 beside another system-tier run and other work on the 2-core machine (load 16 to 36, 7 December).
jest.setTimeout(120_000);

const prometheusConfig = renderPrometheusConfig({
  organisation: "faalkaart",
  nodeExporters: [
    { host: "main", address: "127.0.0.1:9100" },
    { host: "scanners-1", address: "203.0.113.20:9100" },
  ],
  brokerExporters: [
    { instance: "production", address: "127.0.0.1:9121" },
    { instance: "staging", address: "127.0.0.1:9122" },
  ],
  tlsProbeTargets: ["faalkaart.nl:443", "admin.faalkaart.nl:443"],
});

beforeAll(() => requireProgram(PROMTOOL, "prometheus"));
afterAll(removeTempDirs);

/** The rendered files laid out as in the container's /etc/prometheus. */
function prometheusDir(): string {
  const dir = tempDir("promtool");
  writeFiles(dir, { "prometheus.yml": prometheusConfig, "rules/failmap.yml": renderAlertRules() });
  return dir;
}

describe("promtool on the rendered Prometheus files", () => {
  it("accepts prometheus.yml and finds the alert rules through it", () => {
    const r = run(PROMTOOL, ["check", "config", "prometheus.yml"], prometheusDir());
    expect(r).toMatchObject({ status: 0 });
    expect(r.output).toMatch(/SUCCESS: 1 rule files found/);
    expect(r.output).toMatch(new RegExp(`SUCCESS: ${ALERT_RULES.length} rules found`));
  });

  it("rejects a broken rule, so the checks above can fail", () => {
    const dir = tempDir("promtool");
    writeFiles(dir, { "bad.yml": renderAlertRules().replace("up == 0", "up == == 0") });
    expect(run(PROMTOOL, ["check", "rules", "bad.yml"], dir).status).not.toBe(0);
  });
});

/** The summary Prometheus will render for an alert, with its labels and value filled in. */
function summary(alert: string, labels: Record<string, string>, value = ""): string {
  const rule = ALERT_RULES.find((r) => r.alert === alert)!;
  return rule.summary
    .replace(/\{\{ \$labels\.(\w+) \}\}/g, (_m, name: string) => labels[name])
    .replace(/\{\{ \$value( \| humanize)? \}\}/g, value);
}

function firing(alert: string, labels: Record<string, string>, value?: string) {
  const severity = ALERT_RULES.find((r) => r.alert === alert)!.severity;
  return { exp_labels: { ...labels, severity }, exp_annotations: { summary: summary(alert, labels, value) } };
}

const series = (name: string, labels: Record<string, string>, values: string) => ({
  series: `${name}{${Object.entries(labels)
    .map(([k, v]) => `${k}="${v}"`)
    .join(",")}}`,
  values,
});

const soon = { job: "tls", instance: "faalkaart.nl:443" };
const later = { job: "tls", instance: "admin.faalkaart.nl:443" };
const rootDisk = { job: "node", host: "main", mountpoint: "/", fstype: "ext4" };
const dataDisk = { job: "node", host: "main", mountpoint: "/data", fstype: "ext4" };
const shm = { job: "node", host: "main", mountpoint: "/dev/shm", fstype: "tmpfs" };
const internet = { job: "broker", failmap_instance: "production", key: "internet" };
const storage = { job: "broker", failmap_instance: "production", key: "storage" };
const unacked = { job: "broker", failmap_instance: "production", key: "unacked" };
const flapping = { job: "cadvisor", name: "failmap-production-frontend" };
const steady = { job: "cadvisor", name: "failmap-production-admin" };
const foreign = { job: "cadvisor", name: "someone-elses-container" };
const nginx = (host: string, cache_status: string) => ({
  job: "nginx",
  host,
  cache_status,
  method: "GET",
  status: "200",
});
const downTarget = { job: "nginx", instance: "127.0.0.1:4040" };
const upTarget = { job: "node", instance: "127.0.0.1:9100" };

// One test per alert: each input holds series that must fire and series that must not.
const tests = [
  {
    name: "a certificate expiring within 14 days",
    input_series: [
      series("probe_ssl_earliest_cert_expiry", soon, `${10 * 86400}x180`),
      series("probe_ssl_earliest_cert_expiry", later, `${60 * 86400}x180`),
    ],
    alert_rule_test: [
      { eval_time: "30m", alertname: "CertificateExpiresSoon", exp_alerts: [] },
      {
        eval_time: "2h",
        alertname: "CertificateExpiresSoon",
        exp_alerts: [firing("CertificateExpiresSoon", soon)],
      },
    ],
  },
  {
    name: "a TLS endpoint that fails verification",
    input_series: [series("probe_success", soon, "0x40"), series("probe_success", later, "1x40")],
    alert_rule_test: [
      { eval_time: "10m", alertname: "TlsProbeFailing", exp_alerts: [] },
      { eval_time: "30m", alertname: "TlsProbeFailing", exp_alerts: [firing("TlsProbeFailing", soon)] },
    ],
  },
  {
    name: "a disk over 85% full; tmpfs never counts",
    input_series: [
      series("node_filesystem_avail_bytes", rootDisk, "10x30"),
      series("node_filesystem_size_bytes", rootDisk, "100x30"),
      series("node_filesystem_avail_bytes", dataDisk, "50x30"),
      series("node_filesystem_size_bytes", dataDisk, "100x30"),
      series("node_filesystem_avail_bytes", shm, "1x30"),
      series("node_filesystem_size_bytes", shm, "100x30"),
    ],
    alert_rule_test: [
      { eval_time: "5m", alertname: "DiskAlmostFull", exp_alerts: [] },
      { eval_time: "20m", alertname: "DiskAlmostFull", exp_alerts: [firing("DiskAlmostFull", rootDisk)] },
    ],
  },
  {
    name: "a Celery queue growing for 30 minutes; steady queues and non-queue keys do not count",
    input_series: [
      series("redis_key_size", internet, "0+60x90"),
      series("redis_key_size", storage, "500x90"),
      series("redis_key_size", unacked, "0+60x90"),
    ],
    alert_rule_test: [
      { eval_time: "20m", alertname: "QueueBacklogGrowing", exp_alerts: [] },
      {
        eval_time: "45m",
        alertname: "QueueBacklogGrowing",
        exp_alerts: [firing("QueueBacklogGrowing", internet, "2.7k")],
      },
    ],
  },
  {
    name: "a failmap container restarting three times in 30 minutes",
    input_series: [
      series("container_start_time_seconds", flapping, "0 60 120 180 180 180 180 180 180 180 180"),
      series("container_start_time_seconds", steady, "0x10"),
      series("container_start_time_seconds", foreign, "0 60 120 180 240 300 360 420 480 540 600"),
    ],
    alert_rule_test: [
      { eval_time: "2m", alertname: "ContainerRestarting", exp_alerts: [] },
      {
        eval_time: "10m",
        alertname: "ContainerRestarting",
        exp_alerts: [firing("ContainerRestarting", flapping, "3")],
      },
    ],
  },
  {
    name: "the frontend serving stale pages for over 10 minutes",
    input_series: [
      series("nginx_http_response_count_total", nginx("faalkaart.nl", "STALE"), "0+10x30"),
      series("nginx_http_response_count_total", nginx("staging.faalkaart.nl", "STALE"), "5x30"),
      series("nginx_http_response_count_total", nginx("staging.faalkaart.nl", "HIT"), "0+100x30"),
    ],
    alert_rule_test: [
      { eval_time: "8m", alertname: "FrontendServingStale", exp_alerts: [] },
      {
        eval_time: "20m",
        alertname: "FrontendServingStale",
        exp_alerts: [firing("FrontendServingStale", { host: "faalkaart.nl" })],
      },
    ],
  },
  {
    name: "a backup older than 26 hours",
    input_series: [
      series(BACKUP_METRIC, { database: "failmap_production" }, "0x1700"),
      series(BACKUP_METRIC, { database: "failmap_staging" }, `${86400}x1700`),
    ],
    alert_rule_test: [
      { eval_time: "25h", alertname: "BackupMissing", exp_alerts: [] },
      {
        eval_time: "27h",
        alertname: "BackupMissing",
        exp_alerts: [firing("BackupMissing", { database: "failmap_production" })],
      },
      { eval_time: "27h", alertname: "BackupNeverRecorded", exp_alerts: [] },
    ],
  },
  {
    name: "no backup recorded at all for 26 hours",
    input_series: [series("up", upTarget, "1x1700")],
    alert_rule_test: [
      { eval_time: "25h", alertname: "BackupNeverRecorded", exp_alerts: [] },
      { eval_time: "27h", alertname: "BackupNeverRecorded", exp_alerts: [firing("BackupNeverRecorded", {})] },
    ],
  },
  {
    name: "an exporter that stopped answering",
    input_series: [series("up", downTarget, "0x30"), series("up", upTarget, "1x30")],
    alert_rule_test: [
      { eval_time: "5m", alertname: "ScrapeTargetDown", exp_alerts: [] },
      {
        eval_time: "20m",
        alertname: "ScrapeTargetDown",
        exp_alerts: [firing("ScrapeTargetDown", downTarget)],
      },
    ],
  },
];

describe("promtool test rules on the alert rules", () => {
  it("has a firing and a silent case for every alert", () => {
    const tested = new Set(
      tests.flatMap((t) => t.alert_rule_test.filter((a) => a.exp_alerts.length > 0).map((a) => a.alertname)),
    );
    expect([...tested].sort()).toEqual(ALERT_RULES.map((r) => r.alert).sort());
  });

  it("fires each alert exactly when it should", () => {
    const dir = tempDir("rule-tests");
    writeFiles(dir, {
      "failmap.yml": renderAlertRules(),
      "tests.yml": stringify(
        {
          rule_files: ["failmap.yml"],
          evaluation_interval: "1m",
          tests: tests.map((t) => ({ interval: "1m", ...t })),
        },
        { lineWidth: 0 },
      ),
    });
    const r = run(PROMTOOL, ["test", "rules", "tests.yml"], dir);
    expect(r.output).toMatch(/SUCCESS/);
    expect(r.status).toBe(0);
  });

  it("notices a wrong expectation, so the test above can fail", () => {
    const dir = tempDir("rule-tests");
    const wrong = { ...tests[0], alert_rule_test: [{ ...tests[0].alert_rule_test[1], eval_time: "30m" }] };
    writeFiles(dir, {
      "failmap.yml": renderAlertRules(),
      "tests.yml": stringify(
        { rule_files: ["failmap.yml"], tests: [{ interval: "1m", ...wrong }] },
        { lineWidth: 0 },
      ),
    });
    expect(run(PROMTOOL, ["test", "rules", "tests.yml"], dir).status).not.toBe(0);
  });
});

describe("every dashboard query", () => {
  // Grafana replaces $__rate_interval before it queries; anything else starting with $ is a mistake.
  const queries = Object.entries(DASHBOARDS).flatMap(([file, d]) =>
    d.panels.flatMap((p) =>
      p.targets.map((t) => ({ where: `${file} "${p.title}" ${t.refId}`, expr: t.expr })),
    ),
  );

  it("is valid PromQL (checked by promtool as a recording rule)", () => {
    const dir = tempDir("dashboards");
    const rules = queries.map((q, i) => ({
      record: `dashboard:query_${i}`,
      expr: q.expr.replaceAll("$__rate_interval", "5m"),
    }));
    writeFiles(dir, {
      "dashboards.yml": stringify({ groups: [{ name: "dashboards", rules }] }, { lineWidth: 0 }),
    });
    const r = run(PROMTOOL, ["check", "rules", "dashboards.yml"], dir);
    expect({ status: r.status, output: r.output, queries: queries.length }).toMatchObject({ status: 0 });
    expect(r.output).toContain(`SUCCESS: ${queries.length} rules found`);
  });
});

describe("Alertmanager and blackbox exporter on their rendered configs", () => {
  const AMTOOL = "/usr/bin/amtool";
  const BLACKBOX = "/usr/bin/prometheus-blackbox-exporter";

  it.each([
    [
      "mail and webhook",
      {
        email: "ops@faalkaart.nl",
        webhook: "https://hooks.example.org/x",
        smtp: {
          smarthost: "smtp.example.org:587",
          from: "alerts@faalkaart.nl",
          username: "alerts",
          password: "secret",
        },
      },
    ],
    ["webhook only", { webhook: "https://hooks.example.org/x" }],
    ["no receiver", {}],
  ])("amtool accepts the config with %s", (_what, input) => {
    requireProgram(AMTOOL, "prometheus-alertmanager");
    const dir = tempDir("alertmanager");
    writeFiles(dir, { "alertmanager.yml": renderAlertmanagerConfig(input) });
    const r = run(AMTOOL, ["check-config", path.join(dir, "alertmanager.yml")]);
    expect(r.output).toContain("SUCCESS");
    expect(r.status).toBe(0);
  });

  it("blackbox_exporter accepts its modules", () => {
    requireProgram(BLACKBOX, "prometheus-blackbox-exporter");
    const dir = tempDir("blackbox");
    writeFiles(dir, { "blackbox.yml": renderBlackboxConfig() });
    const r = run(BLACKBOX, ["--config.check", `--config.file=${path.join(dir, "blackbox.yml")}`]);
    expect(r.status).toBe(0);
  });
});
