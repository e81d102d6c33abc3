import { parse } from "yaml";
import { ALERT_RULES, renderAlertRules, THRESHOLDS } from "../../../constructs/monitoring/alert-rules";
import { renderAlertmanagerConfig } from "../../../constructs/monitoring/alertmanager-config";
import { brokerExporterAddress, brokerExporterArgs } from "../../../constructs/monitoring/broker-exporter";
import { CELERY_QUEUES } from "../../../config/worker-roles";
import {
  renderMonitoringUserSql,
  renderMysqldExporterMyCnf,
} from "../../../constructs/monitoring/database-monitoring";
import {
  NGINX_METRICS_LOG_FORMAT,
  renderNginxLogExporterConfig,
} from "../../../constructs/monitoring/nginx-log-exporter-config";
import { renderPrometheusConfig } from "../../../constructs/monitoring/prometheus-config";
import { smtpSettingsFromEnv } from "../../../constructs/monitoring/smtp";

const input = {
  organisation: "faalkaart",
  nodeExporters: [
    { host: "main", address: "127.0.0.1:9100" },
    { host: "scanners-1", address: "203.0.113.20:9100" },
  ],
  brokerExporters: [{ instance: "production", address: "127.0.0.1:9121" }],
  tlsProbeTargets: ["faalkaart.nl:443", "admin.faalkaart.nl:443"],
};

type ScrapeConfig = {
  job_name: string;
  static_configs: { targets: string[]; labels?: Record<string, string> }[];
  relabel_configs?: { target_label: string; replacement?: string }[];
};

describe("prometheus.yml", () => {
  const config = parse(renderPrometheusConfig(input));
  const jobs = new Map<string, ScrapeConfig>(config.scrape_configs.map((j: ScrapeConfig) => [j.job_name, j]));
  const targets = (job: string) => jobs.get(job)!.static_configs.flatMap((s) => s.targets);

  it("scrapes every exporter on the main host over loopback only", () => {
    for (const job of ["prometheus", "alertmanager", "cadvisor", "nginx", "mysql", "broker"]) {
      expect(targets(job).length).toBeGreaterThan(0);
      for (const t of targets(job)) expect(t).toMatch(/^127\.0\.0\.1:\d+$/);
    }
  });

  it("scrapes the worker hosts' node-exporter by address, labelled with the host name", () => {
    expect(jobs.get("node")!.static_configs).toEqual([
      { targets: ["127.0.0.1:9100"], labels: { host: "main" } },
      { targets: ["203.0.113.20:9100"], labels: { host: "scanners-1" } },
    ]);
  });

  it("labels each broker with its instance without clobbering Prometheus' own instance label", () => {
    expect(jobs.get("broker")!.static_configs[0].labels).toEqual({ failmap_instance: "production" });
  });

  it("probes the certificates through the blackbox exporter on loopback", () => {
    const tls = jobs.get("tls")!;
    expect(targets("tls")).toEqual(["faalkaart.nl:443", "admin.faalkaart.nl:443"]);
    const address = tls.relabel_configs!.find((r) => r.target_label === "__address__")!;
    expect(address.replacement).toBe("127.0.0.1:9115");
  });

  it("sends alerts to Alertmanager and loads the rules next to the config", () => {
    expect(config.alerting.alertmanagers[0].static_configs[0].targets).toEqual(["127.0.0.1:9093"]);
    expect(config.rule_files).toEqual(["rules/*.yml"]);
    expect(config.global.external_labels).toEqual({ organisation: "faalkaart" });
  });
});

describe("alert rules", () => {
  it("covers each condition the operators asked for", () => {
    expect(ALERT_RULES.map((r) => r.alert)).toEqual(
      expect.arrayContaining([
        "CertificateExpiresSoon",
        "DiskAlmostFull",
        "QueueBacklogGrowing",
        "ContainerRestarting",
        "FrontendServingStale",
        "BackupMissing",
      ]),
    );
    const rules = parse(renderAlertRules()).groups[0].rules;
    const stale = rules.find((r: { alert: string }) => r.alert === "FrontendServingStale");
    expect(stale.for).toBe(THRESHOLDS.staleFor);
    expect(stale.labels.severity).toBe("critical");
  });

  it("watches every Celery queue", () => {
    const queue = ALERT_RULES.find((r) => r.alert === "QueueBacklogGrowing")!;
    for (const q of CELERY_QUEUES) expect(queue.expr).toContain(q);
  });
});

describe("alertmanager.yml", () => {
  const smtp = {
    smarthost: "smtp.example.org:587",
    from: "alerts@faalkaart.nl",
    username: "u",
    password: "p",
  };

  it("mails and calls the webhook of the organisation file", () => {
    const config = parse(
      renderAlertmanagerConfig({ email: "ops@faalkaart.nl", webhook: "https://hooks.example.org/x", smtp }),
    );
    const receiver = config.receivers.find((r: { name: string }) => r.name === config.route.receiver);
    expect(receiver.email_configs).toEqual([{ to: "ops@faalkaart.nl", send_resolved: true }]);
    expect(receiver.webhook_configs).toEqual([{ url: "https://hooks.example.org/x", send_resolved: true }]);
    expect(config.global).toMatchObject({ smtp_smarthost: "smtp.example.org:587", smtp_auth_password: "p" });
  });

  it("refuses an e-mail receiver without an SMTP relay, saying which settings are missing", () => {
    expect(() => renderAlertmanagerConfig({ email: "ops@faalkaart.nl" })).toThrow(/FAILMAP_SMTP_SMARTHOST/);
  });

  it("leaves SMTP out when nobody is mailed", () => {
    const config = parse(renderAlertmanagerConfig({ webhook: "https://hooks.example.org/x", smtp }));
    expect(config.global).toBeUndefined();
  });
});

describe("SMTP settings from the environment", () => {
  it("reads relay, sender and user", () => {
    const env = {
      FAILMAP_SMTP_SMARTHOST: "smtp.example.org:587",
      FAILMAP_SMTP_FROM: "alerts@faalkaart.nl",
      FAILMAP_SMTP_USERNAME: "alerts",
    };
    expect(smtpSettingsFromEnv(env)).toEqual({
      smarthost: "smtp.example.org:587",
      from: "alerts@faalkaart.nl",
      username: "alerts",
    });
  });

  it("is absent without a relay and explains a malformed one", () => {
    expect(smtpSettingsFromEnv({})).toBeUndefined();
    expect(() => smtpSettingsFromEnv({ FAILMAP_SMTP_SMARTHOST: "smtp.example.org" })).toThrow(/host:port/);
    expect(() => smtpSettingsFromEnv({ FAILMAP_SMTP_SMARTHOST: "smtp.example.org:25" })).toThrow(
      /FAILMAP_SMTP_FROM/,
    );
  });
});

describe("broker exporter", () => {
  it("reports the length of every Celery queue and listens on loopback", () => {
    const args = brokerExporterArgs({ address: "127.0.0.1:16379" }, "127.0.0.1:9121");
    expect(args).toContain("--redis.addr=redis://127.0.0.1:16379");
    expect(args).toContain("--web.listen-address=127.0.0.1:9121");
    const keys = args
      .find((a) => a.startsWith("--check-single-keys="))!
      .split("=")
      .slice(1)
      .join("=")
      .split(",");
    expect(keys).toEqual(CELERY_QUEUES.map((q) => `db0=${q}`));
    expect(args.some((a) => a.includes("password"))).toBe(false);
  });

  it("gives each slot its own port", () => {
    expect(brokerExporterAddress({ slot: 1 })).toBe("127.0.0.1:9121");
    expect(brokerExporterAddress({ slot: 2 })).toBe("127.0.0.1:9122");
  });
});

describe("database monitoring account", () => {
  const user = { name: "failmap_monitoring", password: "abc123" };

  it("grants what mysqld_exporter reads and nothing that writes", () => {
    const sql = renderMonitoringUserSql(user);
    expect(sql).toContain(
      "GRANT PROCESS, REPLICATION CLIENT, SELECT ON *.* TO 'failmap_monitoring'@'localhost';",
    );
    expect(sql).toContain("CREATE USER IF NOT EXISTS");
    expect(sql).not.toMatch(/INSERT|UPDATE|DELETE|ALL PRIVILEGES|GRANT OPTION/);
  });

  it("connects through the MariaDB socket", () => {
    expect(renderMysqldExporterMyCnf(user)).toBe(
      "[client]\nuser=failmap_monitoring\npassword=abc123\nsocket=/run/mysqld/mysqld.sock\n",
    );
  });
});

describe("nginx log exporter", () => {
  it("parses the log with nginx's own format and labels the cache status and site", () => {
    const config = parse(
      renderNginxLogExporterConfig({
        logFile: "/var/log/failmap/nginx/metrics.log",
        logFormat: NGINX_METRICS_LOG_FORMAT,
        hosts: ["faalkaart.nl"],
      }),
    );
    expect(config.listen).toEqual({ address: "127.0.0.1", port: 4040 });
    const ns = config.namespaces[0];
    expect(ns.format).toBe(NGINX_METRICS_LOG_FORMAT);
    expect(ns.source_files).toEqual(["/var/log/failmap/nginx/metrics.log"]);
    expect(ns.relabel_configs).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ target_label: "cache_status", from: "upstream_cache_status" }),
        expect.objectContaining({ target_label: "host", from: "host", whitelist: ["faalkaart.nl"] }),
      ]),
    );
    expect(NGINX_METRICS_LOG_FORMAT).toContain("$upstream_cache_status");
  });
});
