import { Password } from "@cdktf/provider-random/lib/password";
import { Annotations, type ITerraformDependable } from "cdktf";
import { Construct } from "constructs";
import { HOST_CONFIG_DIR, HOST_STATE_DIR, SERVICE_FOLDERS } from "../../config/model/host-paths";
import type { OrganisationModel } from "../../config/model/organisation-model";
import type { DatabaseUser } from "../app/database-credentials";
import type { ContainerIdentity } from "../app/failmap-container";
import type { Host } from "../host/host";
import { HostFiles } from "../host/host-files";
import { renderAlertRules } from "./alert-rules";
import { renderAlertmanagerConfig } from "./alertmanager-config";
import { renderBlackboxConfig } from "./blackbox-config";
import { brokerExporterAddress, brokerExporterArgs, type BrokerTarget } from "./broker-exporter";
import { MARIADB_SOCKET_DIR } from "../bootstrap/mariadb-socket";
import { renderMonitoringUserSql, renderMysqldExporterMyCnf } from "./database-monitoring";
import { DASHBOARDS } from "./grafana/dashboards";
import {
  DASHBOARDS_PATH,
  renderDashboardProvisioning,
  renderDatasourceProvisioning,
} from "./grafana/provisioning";
import { renderContainerReload, type ContainerReloadProps } from "../host/container-reload";
import { HostNetworkContainer } from "./host-network-container";
import { MONITORING_IMAGES, type MonitoringImages } from "./images";
import {
  NGINX_METRICS_LOG,
  NGINX_METRICS_LOG_FORMAT,
  renderNginxLogExporterConfig,
} from "./nginx-log-exporter-config";
import { PORTS } from "../../config/model/ports";
import { LOOPBACK, loopback } from "../host/loopback";
import { renderPrometheusConfig } from "./prometheus-config";
import type { SmtpSettings } from "./smtp";

export interface MonitoringProps {
  /** Its monitoring settings, the instances' site names (probed for their certificates), its name. */
  readonly organisation: OrganisationModel;
  /** Runs Prometheus, Grafana, Alertmanager and the exporters; node-exporter comes from its bootstrap. */
  readonly mainHost: Host;
  /**
   * Extra worker hosts: their node-exporter (from their bootstrap) is scraped over the network.
   * @default - none
   */
  readonly workerHosts?: readonly Host[];
  /** Every instance's broker, for queue lengths. */
  readonly brokers: readonly BrokerTarget[];
  /**
   * Needed when the organisation sets monitoring.alertEmail; see smtpSettingsFromEnv.
   * @default - alerts are not mailed (the synth warns when alertEmail is set)
   */
  readonly smtp?: SmtpSettings;
  /**
   * Needed when the organisation sets monitoring.alertWebhook: the URL is a secret (a token).
   * @default - no webhook
   */
  readonly alertWebhookUrl?: string;
}

/**
 * After Prometheus's config or rules change: promtool (in Prometheus's image) checks them, and a running
 * Prometheus reloads them in place (SIGHUP).
 */
export const PROMETHEUS_RELOAD = renderContainerReload({
  container: "failmap-prometheus",
  check: ["promtool", "check", "config", "/etc/prometheus/prometheus.yml"],
  apply: "hup",
});

/**
 * The configuration files that are the same for every organisation, rendered once a process rather than once
 * a stack: a synth of 100 organisations rendered each of them 100 times.
 */
const FIXED_FILES = {
  alertRules: renderAlertRules(),
  blackbox: renderBlackboxConfig(),
  grafanaDatasources: renderDatasourceProvisioning(),
  grafanaDashboards: renderDashboardProvisioning(),
  dashboards: Object.entries(DASHBOARDS).map(([file, d]) => ({
    file,
    content: `${JSON.stringify(d, null, 2)}\n`,
  })),
};

/** The location the Webserver adds to the admin vhost, behind the admin client certificate. */
export const grafanaLocation = { path: "/grafana/", upstream: { address: loopback(PORTS.grafana) } } as const;

const CONFIG = `${HOST_CONFIG_DIR}/${SERVICE_FOLDERS.monitoring}`;
const DATA = HOST_STATE_DIR;
/** The users the upstream images run as; their data directories must belong to them. */
const NOBODY = "65534";
const GRAFANA_UID = "472";
const NODE_EXPORTER_PORT_DESCRIPTION = "node-exporter, scraped by Prometheus on the main host";

/**
 * Metrics, dashboards and alerts for one organisation, all on the main host: Prometheus scrapes the hosts,
 * containers, nginx cache, brokers, MariaDB and the TLS certificates; Grafana shows them at
 * https://<admin>/grafana/ behind the admin client certificate; Alertmanager mails or calls a webhook.
 */
export class Monitoring extends Construct {
  readonly grafanaLocation = grafanaLocation;
  /** The access log the Webserver must write for the cache metrics (its metricsLog). */
  readonly nginxLog = { file: NGINX_METRICS_LOG, format: NGINX_METRICS_LOG_FORMAT } as const;
  /** mysqld_exporter's account, created by this construct through the MariaDB socket as root. */
  readonly databaseUser: DatabaseUser;

  constructor(scope: Construct, id: string, props: MonitoringProps) {
    super(scope, id);
    const model = props.organisation;
    if (!model.monitoring.enabled) {
      throw new Error(
        `Monitoring ${this.node.path}: monitoring.enabled is false in ${model.name}; leave it out`,
      );
    }
    const host = props.mainHost;
    const workers = props.workerHosts ?? [];
    const images = MONITORING_IMAGES;
    const nginxLog = this.nginxLog;
    const adminDomain = model.primaryInstance.settings.admin;
    const publicNames = model.instances.flatMap((i) => i.siteNames.map((n) => n.name));
    // Docker, MariaDB and node-exporter come from the main host's bootstrap.
    const after = [host.ready];

    for (const worker of workers) {
      if (!worker.ipv4Address || !host.ipv4Address) {
        throw new Error(
          `Monitoring ${this.node.path}: ${worker.name} and ${host.name} need IPv4 addresses; node-exporter is scraped over IPv4`,
        );
      }
      worker.allowInbound({
        description: NODE_EXPORTER_PORT_DESCRIPTION,
        protocol: "tcp",
        port: PORTS.nodeExporter,
        sources: [`${host.ipv4Address}/32`],
      });
    }

    // Prometheus: config and rules are reloaded in place (SIGHUP) once promtool accepts them.
    const prometheusFiles = new HostFiles(this, "prometheus-config", {
      host,
      dependsOn: after,
      files: [
        {
          path: `${CONFIG}/prometheus/prometheus.yml`,
          content: renderPrometheusConfig({
            organisation: model.name,
            nodeExporters: [
              { host: host.name, address: loopback(PORTS.nodeExporter) },
              ...workers.map((w) => ({ host: w.name, address: `${w.ipv4Address}:${PORTS.nodeExporter}` })),
            ],
            brokerExporters: props.brokers.map((b) => ({
              instance: b.instance,
              address: brokerExporterAddress(b),
            })),
            tlsProbeTargets: publicNames.map((n) => `${n}:443`),
          }),
        },
        { path: `${CONFIG}/prometheus/rules/failmap.yml`, content: FIXED_FILES.alertRules },
      ],
      then: [
        `install -d -o ${NOBODY} -g ${NOBODY} -m 0750 ${DATA}/${SERVICE_FOLDERS.prometheus}`,
        PROMETHEUS_RELOAD,
      ],
    });
    new HostNetworkContainer(this, "prometheus", {
      host,
      name: "failmap-prometheus",
      identity: this.identity("prometheus"),
      // Each series in the head block costs a few KB: two hosts, some 30 containers and the brokers make tens
      // of thousands of series, a few hundred MB, which leaves room for queries over the whole retention.
      memoryMb: 1024,
      image: images.prometheus,
      // Ready once it has replayed its write-ahead log, which takes minutes with a full retention.
      health: { port: PORTS.prometheus, path: "/-/ready", startPeriod: "5m0s" },
      command: [
        "--config.file=/etc/prometheus/prometheus.yml",
        "--storage.tsdb.path=/prometheus",
        `--storage.tsdb.retention.time=${model.monitoring.retentionDays}d`,
        `--storage.tsdb.retention.size=${model.monitoring.retentionSizeGb}GB`,
        `--web.listen-address=${loopback(PORTS.prometheus)}`,
      ],
      mounts: {
        [`${CONFIG}/prometheus`]: "/etc/prometheus",
        [`${DATA}/${SERVICE_FOLDERS.prometheus}`]: "/prometheus",
      },
      writable: ["/prometheus"],
      dependsOn: [prometheusFiles.resource],
    });

    this.alertmanager(props, images.alertmanager, after);
    this.exporters(props, images, publicNames, nginxLog, after);
    this.databaseUser = this.mysqldExporter(host, images.mysqldExporter, after);
    this.grafana(host, images.grafana, adminDomain, after);
  }

  private identity(role: string, instance?: string): ContainerIdentity {
    return { instance, role };
  }

  private alertmanager(props: MonitoringProps, image: string, after: readonly ITerraformDependable[]) {
    const { alertEmail, alertWebhook } = props.organisation.monitoring;
    if (alertWebhook && !props.alertWebhookUrl) {
      throw new Error(`Monitoring ${this.node.path}: monitoring.alertWebhook is on, so give alertWebhookUrl`);
    }
    if (alertEmail && !props.smtp) {
      Annotations.of(this).addWarning(
        `monitoring.alertEmail is set but no SMTP relay is configured (FAILMAP_SMTP_SMARTHOST, FAILMAP_SMTP_FROM): alerts are not mailed`,
      );
    }
    const files = new HostFiles(this, "alertmanager-config", {
      host: props.mainHost,
      dependsOn: after,
      files: [
        {
          path: `${CONFIG}/alertmanager/alertmanager.yml`,
          content: renderAlertmanagerConfig({
            email: props.smtp ? alertEmail : undefined,
            webhook: alertWebhook ? props.alertWebhookUrl : undefined,
            smtp: props.smtp,
          }),
          // It may hold the SMTP password: readable by the container's user only.
          mode: "0640",
          owner: `root:${NOBODY}`,
        },
      ],
      then: [
        `install -d -o ${NOBODY} -g ${NOBODY} -m 0750 ${DATA}/${SERVICE_FOLDERS.alertmanager}`,
        renderContainerReload({ container: "failmap-alertmanager", apply: "hup" }),
      ],
    });
    new HostNetworkContainer(this, "alertmanager", {
      host: props.mainHost,
      name: "failmap-alertmanager",
      identity: this.identity("alertmanager"),
      // A handful of alerts and silences: typically some 30 MB.
      memoryMb: 128,
      image,
      health: { port: PORTS.alertmanager, path: "/-/ready", startPeriod: "30s" },
      command: [
        "--config.file=/etc/alertmanager/alertmanager.yml",
        "--storage.path=/alertmanager",
        `--web.listen-address=${loopback(PORTS.alertmanager)}`,
        // Empty: no high-availability gossip, which would otherwise listen on every address.
        "--cluster.listen-address=",
      ],
      mounts: {
        [`${CONFIG}/alertmanager`]: "/etc/alertmanager",
        [`${DATA}/${SERVICE_FOLDERS.alertmanager}`]: "/alertmanager",
      },
      writable: ["/alertmanager"],
      dependsOn: [files.resource],
    });
  }

  private exporters(
    props: MonitoringProps,
    images: MonitoringImages,
    publicNames: readonly string[],
    nginxLog: { readonly file: string; readonly format: string },
    after: readonly ITerraformDependable[],
  ) {
    const host = props.mainHost;
    props.brokers.forEach((broker) => {
      new HostNetworkContainer(this, `broker-exporter-${broker.instance}`, {
        host,
        name: `failmap-${broker.instance}-broker-exporter`,
        identity: this.identity("broker-exporter", broker.instance),
        // One broker's few hundred series per scrape: typically some 15 MB.
        memoryMb: 64,
        image: images.brokerExporter,
        command: brokerExporterArgs(broker, brokerExporterAddress(broker)),
        env: { REDIS_PASSWORD: broker.password },
        dependsOn: after,
      });
    });

    new HostNetworkContainer(this, "cadvisor", {
      host,
      name: "failmap-cadvisor",
      identity: this.identity("cadvisor"),
      // Recent stats of every cgroup, growing with the number of containers: typically 100 MB for some 30.
      memoryMb: 256,
      image: images.cadvisor,
      // The image's own healthcheck asks port 8080, where this one does not listen.
      health: { port: PORTS.cadvisor, path: "/healthz", startPeriod: "1m0s" },
      command: [
        `--listen_ip=${LOOPBACK}`,
        `--port=${PORTS.cadvisor}`,
        "--docker_only=true",
        "--housekeeping_interval=30s",
        "--store_container_labels=false",
      ],
      // cAdvisor reads the cgroups and the docker state of every container.
      privileged: true,
      devices: ["/dev/kmsg"],
      mounts: {
        "/": "/rootfs",
        "/var/run": "/var/run",
        "/sys": "/sys",
        "/var/lib/docker": "/var/lib/docker",
        "/dev/disk": "/dev/disk",
      },
      dependsOn: after,
    });

    const blackboxFiles = this.programConfig(host, after, "blackbox-config", {
      path: `${CONFIG}/blackbox/blackbox.yml`,
      content: FIXED_FILES.blackbox,
      reload: { container: "failmap-blackbox-exporter", apply: "hup" },
    });
    new HostNetworkContainer(this, "blackbox-exporter", {
      host,
      name: "failmap-blackbox-exporter",
      identity: this.identity("blackbox-exporter"),
      // One TLS probe per public name at a time: typically some 15 MB.
      memoryMb: 64,
      image: images.blackboxExporter,
      health: { port: PORTS.blackboxExporter, path: "/-/healthy", startPeriod: "30s" },
      command: [
        "--config.file=/etc/blackbox/blackbox.yml",
        `--web.listen-address=${loopback(PORTS.blackboxExporter)}`,
      ],
      mounts: { [`${CONFIG}/blackbox`]: "/etc/blackbox" },
      dependsOn: [blackboxFiles.resource],
    });

    const logDir = nginxLog.file.slice(0, nginxLog.file.lastIndexOf("/"));
    const nginxFiles = this.programConfig(host, after, "nginx-log-exporter-config", {
      path: `${CONFIG}/nginx-log-exporter/config.yml`,
      content: renderNginxLogExporterConfig({
        logFile: nginxLog.file,
        logFormat: nginxLog.format,
        hosts: publicNames,
      }),
      // It has no reload; a restart re-reads the config and carries on at the end of the log.
      reload: { container: "failmap-nginx-log-exporter", apply: "restart" },
    });
    new HostNetworkContainer(this, "nginx-log-exporter", {
      host,
      name: "failmap-nginx-log-exporter",
      identity: this.identity("nginx-log-exporter"),
      // Counters and histograms per site and cache status: typically some 30 MB.
      memoryMb: 128,
      image: images.nginxLogExporter,
      command: ["-config-file", "/etc/nginx-log-exporter/config.yml"],
      mounts: { [`${CONFIG}/nginx-log-exporter`]: "/etc/nginx-log-exporter", [logDir]: logDir },
      dependsOn: [nginxFiles.resource],
    });
  }

  /** An exporter's one config file on the host, after the bootstrap; its container re-reads it on a change. */
  private programConfig(
    host: Host,
    after: readonly ITerraformDependable[],
    id: string,
    config: { path: string; content: string; reload: ContainerReloadProps },
  ): HostFiles {
    return new HostFiles(this, id, {
      host,
      dependsOn: after,
      files: [{ path: config.path, content: config.content }],
      then: [renderContainerReload(config.reload)],
    });
  }

  private mysqldExporter(host: Host, image: string, after: readonly ITerraformDependable[]): DatabaseUser {
    // Letters and digits only: the password sits inside an SQL string literal and an ini file.
    const password = new Password(this, "database-password", { length: 32, special: false });
    const user = { name: "failmap_monitoring", password: password.result };
    const sql = `${CONFIG}/mysqld-exporter/monitoring-user.sql`;
    const files = new HostFiles(this, "mysqld-exporter-config", {
      host,
      dependsOn: after,
      files: [
        { path: sql, content: renderMonitoringUserSql(user), mode: "0600" },
        {
          path: `${CONFIG}/mysqld-exporter/my.cnf`,
          content: renderMysqldExporterMyCnf(user),
          mode: "0640",
          owner: `root:${NOBODY}`,
        },
      ],
      // Root reaches MariaDB through the socket without a password (unix_socket authentication).
      then: [
        `mariadb < ${sql}`,
        renderContainerReload({ container: "failmap-mysqld-exporter", apply: "restart" }),
      ],
    });
    new HostNetworkContainer(this, "mysqld-exporter", {
      host,
      name: "failmap-mysqld-exporter",
      identity: this.identity("mysqld-exporter"),
      // One connection and the status of one server: typically some 15 MB.
      memoryMb: 64,
      image,
      // Its landing page; /metrics would query MariaDB on every check.
      health: { port: PORTS.mysqldExporter, path: "/", startPeriod: "30s" },
      command: [
        "--config.my-cnf=/etc/mysqld-exporter/my.cnf",
        `--web.listen-address=${loopback(PORTS.mysqldExporter)}`,
      ],
      mounts: {
        [`${CONFIG}/mysqld-exporter`]: "/etc/mysqld-exporter",
        [MARIADB_SOCKET_DIR]: MARIADB_SOCKET_DIR,
      },
      dependsOn: [files.resource],
    });
    return user;
  }

  private grafana(host: Host, image: string, adminDomain: string, after: readonly ITerraformDependable[]) {
    const files = new HostFiles(this, "grafana-config", {
      host,
      dependsOn: after,
      files: [
        {
          path: `${CONFIG}/grafana/provisioning/datasources/failmap.yml`,
          content: FIXED_FILES.grafanaDatasources,
        },
        {
          path: `${CONFIG}/grafana/provisioning/dashboards/failmap.yml`,
          content: FIXED_FILES.grafanaDashboards,
        },
        ...FIXED_FILES.dashboards.map(({ file, content }) => ({
          path: `${CONFIG}/grafana/dashboards/${file}`,
          content,
        })),
      ],
      // Dashboards are picked up by Grafana itself within 30 s; a changed data source needs a restart.
      then: [
        `install -d -o ${GRAFANA_UID} -g 0 -m 0750 ${DATA}/${SERVICE_FOLDERS.grafana}`,
        renderContainerReload({ container: "failmap-grafana", apply: "restart" }),
      ],
    });
    // Nobody logs in (anonymous viewers only), but the built-in admin must not keep its well-known password.
    const adminPassword = new Password(this, "grafana-admin-password", { length: 32, special: false });
    new HostNetworkContainer(this, "grafana", {
      host,
      name: "failmap-grafana",
      identity: this.identity("grafana"),
      // Its SQLite database and a few viewers' dashboards: typically 150 to 250 MB.
      memoryMb: 512,
      image,
      // Under the sub path it is served from; migrations of its database come first on an upgrade.
      health: { port: PORTS.grafana, path: `${grafanaLocation.path}api/health`, startPeriod: "2m0s" },
      env: {
        GF_SERVER_HTTP_ADDR: LOOPBACK,
        GF_SERVER_HTTP_PORT: String(PORTS.grafana),
        GF_SERVER_ROOT_URL: `https://${adminDomain}${grafanaLocation.path}`,
        GF_SERVER_SERVE_FROM_SUB_PATH: "true",
        // Safe only because nginx, behind the admin client certificate, is the one way in.
        GF_AUTH_ANONYMOUS_ENABLED: "true",
        GF_AUTH_ANONYMOUS_ORG_ROLE: "Viewer",
        GF_AUTH_DISABLE_LOGIN_FORM: "true",
        GF_AUTH_BASIC_ENABLED: "false",
        GF_USERS_ALLOW_SIGN_UP: "false",
        GF_SECURITY_ADMIN_PASSWORD: adminPassword.result,
        GF_ANALYTICS_REPORTING_ENABLED: "false",
        GF_ANALYTICS_CHECK_FOR_UPDATES: "false",
        GF_PATHS_PROVISIONING: "/etc/grafana/provisioning",
      },
      mounts: {
        [`${CONFIG}/grafana/provisioning`]: "/etc/grafana/provisioning",
        [`${CONFIG}/grafana/dashboards`]: DASHBOARDS_PATH,
        [`${DATA}/${SERVICE_FOLDERS.grafana}`]: "/var/lib/grafana",
      },
      writable: ["/var/lib/grafana"],
      dependsOn: [files.resource],
    });
  }
}
