import { AnnotationMetadataEntryType } from "cdktf";
import { renderContainerReload } from "../../../constructs/host/container-reload";
import { shellQuote } from "../../../constructs/host/host-files";
import { grafanaLocation, PROMETHEUS_RELOAD } from "../../../constructs/monitoring/monitoring";
import { parse } from "yaml";
import { containersByName, followUpCommands, synthMonitoring, uploadedFiles } from "./fixture";

const smtp = { smarthost: "smtp.example.org:587", from: "alerts@faalkaart.nl" };

describe("Monitoring", () => {
  const { json, worker, main, monitoring } = synthMonitoring({ smtp });
  const containers = containersByName(json);
  const files = uploadedFiles(json);
  const commandOf = (name: string) => (containers.get(name)!.command ?? []) as string[];
  const envOf = (name: string) => (containers.get(name)!.env ?? []) as string[];

  it("runs every monitoring program on the main host's network", () => {
    const names = [
      "failmap-prometheus",
      "failmap-alertmanager",
      "failmap-grafana",
      "failmap-cadvisor",
      "failmap-nginx-log-exporter",
      "failmap-mysqld-exporter",
      "failmap-blackbox-exporter",
      "failmap-production-broker-exporter",
      "failmap-staging-broker-exporter",
    ];
    expect([...containers.keys()].sort()).toEqual([...names].sort());
    for (const c of containers.values()) {
      expect(c.network_mode).toBe("host");
      expect(c.provider).toBe("docker.docker-main");
      expect(c.ports).toBeUndefined();
    }
  });

  // The organisation's label is the stack's (test/unit/stacks/organisation-label.test.ts).
  it("labels every program and sizes its memory; a broker exporter names the instance it watches", () => {
    const labels = (name: string) =>
      Object.fromEntries(
        (containers.get(name)!.labels as { label: string; value: string }[]).map((l) => [l.label, l.value]),
      );
    expect(labels("failmap-prometheus")).toMatchObject({
      "failmap.role": "prometheus",
      "failmap.healthcheck": expect.stringMatching(/^[0-9a-f]{16}$/),
    });
    expect(labels("failmap-staging-broker-exporter")).toMatchObject({
      "failmap.instance": "staging",
      "failmap.role": "broker-exporter",
    });
    for (const c of containers.values()) {
      expect(c).toMatchObject({ destroy_grace_seconds: 30 });
    }
    expect(containers.get("failmap-prometheus")!.memory).toBeGreaterThan(
      containers.get("failmap-blackbox-exporter")!.memory as number,
    );
  });

  it("asks each program whose image has wget whether it is up, where it says so, and the apply waits", () => {
    const probes = Object.fromEntries(
      [...containers].map(([name, c]) => {
        const check = c.healthcheck as { test: string[]; start_period: string } | undefined;
        return [name, check && [check.test.join(" "), check.start_period, c.wait]];
      }),
    );
    const wget = (url: string) => `CMD wget -q -O /dev/null http://127.0.0.1:${url}`;
    expect(probes).toEqual({
      "failmap-prometheus": [wget("9090/-/ready"), "5m0s", true],
      "failmap-alertmanager": [wget("9093/-/ready"), "30s", true],
      "failmap-cadvisor": [wget("9280/healthz"), "1m0s", true],
      "failmap-blackbox-exporter": [wget("9115/-/healthy"), "30s", true],
      "failmap-mysqld-exporter": [wget("9104/"), "30s", true],
      "failmap-grafana": [wget("3000/grafana/api/health"), "2m0s", true],
      // Scratch images: no program to ask with; docker restarts them when they exit.
      "failmap-production-broker-exporter": undefined,
      "failmap-staging-broker-exporter": undefined,
      "failmap-nginx-log-exporter": undefined,
    });
  });

  it("binds every program to loopback, so none is reachable from outside", () => {
    const listens = [
      ...[
        "failmap-prometheus",
        "failmap-alertmanager",
        "failmap-mysqld-exporter",
        "failmap-blackbox-exporter",
      ].map((n) => commandOf(n).find((a) => a.startsWith("--web.listen-address="))!),
      ...["production", "staging"].map((i) =>
        commandOf(`failmap-${i}-broker-exporter`).find((a) => a.startsWith("--web.listen-address="))!,
      ),
    ];
    for (const l of listens) expect(l).toMatch(/=127\.0\.0\.1:\d+$/);
    expect(commandOf("failmap-cadvisor")).toContain("--listen_ip=127.0.0.1");
    expect(commandOf("failmap-alertmanager")).toContain("--cluster.listen-address=");
    expect(envOf("failmap-grafana")).toContain("GF_SERVER_HTTP_ADDR=127.0.0.1");
    expect(parse(files.get("/etc/failmap/monitoring/nginx-log-exporter/config.yml")!).listen.address).toBe(
      "127.0.0.1",
    );
  });

  it("bounds Prometheus' disk use by the organisation's retention", () => {
    expect(commandOf("failmap-prometheus")).toEqual(
      expect.arrayContaining(["--storage.tsdb.retention.time=30d", "--storage.tsdb.retention.size=5GB"]),
    );
  });

  it("opens the worker's node-exporter to the main host only", () => {
    expect(worker.inboundRules).toEqual([
      expect.objectContaining({ protocol: "tcp", port: 9100, sources: ["203.0.113.10/32"] }),
    ]);
    expect(main.inboundRules).toEqual([]);
    const prometheus = parse(files.get("/etc/failmap/monitoring/prometheus/prometheus.yml")!);
    const node = prometheus.scrape_configs.find((j: { job_name: string }) => j.job_name === "node");
    expect(node.static_configs.map((s: { targets: string[] }) => s.targets[0])).toEqual([
      "127.0.0.1:9100",
      "203.0.113.20:9100",
    ]);
  });

  it("probes the certificate of every public name", () => {
    const prometheus = parse(files.get("/etc/failmap/monitoring/prometheus/prometheus.yml")!);
    const tls = prometheus.scrape_configs.find((j: { job_name: string }) => j.job_name === "tls");
    expect(tls.static_configs[0].targets).toEqual([
      "faalkaart.nl:443",
      "www.faalkaart.nl:443",
      "admin.faalkaart.nl:443",
      "staging.faalkaart.nl:443",
      "admin.staging.faalkaart.nl:443",
    ]);
  });

  it("reloads changed configuration in place instead of recreating containers", () => {
    const commands = followUpCommands(json);
    // promtool checks Prometheus's files before the reload (test/system/monitoring/prometheus-reload.test.ts
    // runs this command against a real dockerd); the others reload on SIGHUP or, without a reload, restart.
    expect(PROMETHEUS_RELOAD).toMatch(
      /--entrypoint promtool .* check config \/etc\/prometheus\/prometheus.yml && /,
    );
    const reloads = [
      PROMETHEUS_RELOAD,
      renderContainerReload({ container: "failmap-alertmanager", apply: "hup" }),
      renderContainerReload({ container: "failmap-blackbox-exporter", apply: "hup" }),
      renderContainerReload({ container: "failmap-nginx-log-exporter", apply: "restart" }),
      renderContainerReload({ container: "failmap-mysqld-exporter", apply: "restart" }),
      renderContainerReload({ container: "failmap-grafana", apply: "restart" }),
    ];
    for (const reload of reloads) expect(commands).toContain(`sudo sh -c ${shellQuote(reload)}`);
    // Config files live in bind-mounted directories, so a replaced file is seen by the running container.
    for (const c of containers.values()) {
      for (const v of (c.volumes ?? []) as { host_path: string; read_only: boolean }[]) {
        expect(v.host_path).not.toMatch(/\.(yml|json|cnf)$/);
      }
    }
  });

  it("keeps the broker and database passwords out of command lines and world-readable files", () => {
    for (const i of ["production", "staging"]) {
      expect(envOf(`failmap-${i}-broker-exporter`)).toContain(`REDIS_PASSWORD=${i}-secret`);
      expect(commandOf(`failmap-${i}-broker-exporter`).join(" ")).not.toContain("secret");
    }
    const staged = Object.values(json.resource.null_resource).flatMap((r) =>
      ((r.provisioner ?? []) as { "remote-exec"?: { inline: string[] } }[]).flatMap(
        (p) => p["remote-exec"]?.inline ?? [],
      ),
    );
    expect(staged.find((l) => l.endsWith("/mysqld-exporter/my.cnf"))).toContain("-m 0640 -o root -g 65534");
    expect(staged.find((l) => l.endsWith("/monitoring-user.sql"))).toContain("-m 0600 -o root -g root");
    expect(staged.find((l) => l.endsWith("/alertmanager.yml"))).toContain("-m 0640");
  });

  it("creates the monitoring database account and gives the exporter the socket", () => {
    expect(files.get("/etc/failmap/monitoring/mysqld-exporter/monitoring-user.sql")).toContain(
      "GRANT PROCESS, REPLICATION CLIENT, SELECT ON *.* TO 'failmap_monitoring'@'localhost';",
    );
    expect(followUpCommands(json).join("\n")).toContain(
      "mariadb < /etc/failmap/monitoring/mysqld-exporter/monitoring-user.sql",
    );
    const volumes = containers.get("failmap-mysqld-exporter")!.volumes as {
      host_path: string;
      read_only: boolean;
    }[];
    expect(volumes).toContainEqual({
      host_path: "/run/mysqld",
      container_path: "/run/mysqld",
      read_only: true,
    });
    expect(monitoring.databaseUser.name).toBe("failmap_monitoring");
  });

  it("serves Grafana read-only to anyone nginx lets through, under /grafana/ of the admin site", () => {
    expect(envOf("failmap-grafana")).toEqual(
      expect.arrayContaining([
        "GF_SERVER_ROOT_URL=https://admin.faalkaart.nl/grafana/",
        "GF_SERVER_SERVE_FROM_SUB_PATH=true",
        "GF_AUTH_ANONYMOUS_ENABLED=true",
        "GF_AUTH_ANONYMOUS_ORG_ROLE=Viewer",
        "GF_AUTH_DISABLE_LOGIN_FORM=true",
      ]),
    );
    expect(envOf("failmap-grafana").find((e) => e.startsWith("GF_SECURITY_ADMIN_PASSWORD="))).toMatch(
      /random_password/,
    );
    for (const d of ["host", "containers", "frontend-cache", "queues", "database"]) {
      expect(files.has(`/etc/failmap/monitoring/grafana/dashboards/${d}.json`)).toBe(true);
    }
  });

  it("sends alert mail to the organisation's address when an SMTP relay is given", () => {
    const config = parse(files.get("/etc/failmap/monitoring/alertmanager/alertmanager.yml")!);
    expect(config.receivers[0].email_configs[0].to).toBe("hostmaster@faalkaart.nl");
  });
});

describe("the /grafana/ location for the admin vhost", () => {
  it("targets Grafana on loopback only", () => {
    expect(grafanaLocation.path).toBe("/grafana/");
    expect(grafanaLocation.upstream.address).toBe("127.0.0.1:3000");
  });
});

describe("Monitoring without an SMTP relay", () => {
  it("warns at synth that alert mail is off, instead of failing a credential-free synth", () => {
    const { json, stack } = synthMonitoring();
    const config = parse(uploadedFiles(json).get("/etc/failmap/monitoring/alertmanager/alertmanager.yml")!);
    expect(config.receivers[0].email_configs).toBeUndefined();
    const warnings = stack.node
      .findAll()
      .flatMap((c) => c.node.metadata)
      .filter((m) => m.type === AnnotationMetadataEntryType.WARN);
    expect(warnings.map((m) => String(m.data))).toEqual([expect.stringMatching(/FAILMAP_SMTP_SMARTHOST/)]);
  });
});
