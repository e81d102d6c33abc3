import { stringify } from "yaml";
import { SELECT } from "./selectors";

export interface AlertRule {
  readonly alert: string;
  readonly expr: string;
  /** How long the condition must hold before the alert fires; absent means at once. */
  readonly for?: string;
  readonly severity: "warning" | "critical";
  readonly summary: string;
}

/** The metric the bootstrap's backup job writes for node-exporter's textfile collector, one per database. */
export const BACKUP_METRIC = "failmap_backup_last_success_timestamp_seconds";
export const BACKUP_TEXTFILE = "/var/lib/prometheus/node-exporter/failmap_backup.prom";

export const THRESHOLDS = {
  certificateDays: 14,
  diskFullRatio: 0.85,
  queueGrowingFor: "30m",
  containerRestarts: 3,
  containerRestartWindow: "30m",
  staleFor: "10m",
  backupMaxAgeHours: 26,
} as const;

export const ALERT_RULES: readonly AlertRule[] = [
  {
    alert: "CertificateExpiresSoon",
    expr: `probe_ssl_earliest_cert_expiry{job="tls"} - time() < ${THRESHOLDS.certificateDays} * 86400`,
    for: "1h",
    severity: "critical",
    summary: `The certificate of {{ $labels.instance }} expires within ${THRESHOLDS.certificateDays} days: run a scheduled apply (it renews).`,
  },
  {
    alert: "TlsProbeFailing",
    expr: `probe_success{job="tls"} == 0`,
    for: "15m",
    severity: "critical",
    summary:
      "No verified TLS connection to {{ $labels.instance }} (expired or wrong certificate, or the site is down).",
  },
  {
    alert: "DiskAlmostFull",
    expr: `1 - node_filesystem_avail_bytes{${SELECT.disks}} / node_filesystem_size_bytes{${SELECT.disks}} > ${THRESHOLDS.diskFullRatio}`,
    for: "10m",
    severity: "warning",
    summary: `{{ $labels.mountpoint }} on {{ $labels.host }} is over ${THRESHOLDS.diskFullRatio * 100}% full.`,
  },
  {
    // The ten-minute trend has pointed upward the whole time: workers are not keeping up.
    alert: "QueueBacklogGrowing",
    expr: `redis_key_size{${SELECT.queues}} > 0 and deriv(redis_key_size{${SELECT.queues}}[10m]) > 0`,
    for: THRESHOLDS.queueGrowingFor,
    severity: "warning",
    summary: `Queue {{ $labels.key }} of {{ $labels.failmap_instance }} has grown for ${THRESHOLDS.queueGrowingFor}; {{ $value | humanize }} tasks wait.`,
  },
  {
    // cAdvisor sees every restart as a new start time of the container.
    alert: "ContainerRestarting",
    expr: `changes(container_start_time_seconds{${SELECT.containers}}[${THRESHOLDS.containerRestartWindow}]) >= ${THRESHOLDS.containerRestarts}`,
    severity: "warning",
    summary: `{{ $labels.name }} restarted {{ $value }} times in ${THRESHOLDS.containerRestartWindow}.`,
  },
  {
    // STALE means the app failed and nginx answered from the cache instead (UPDATING is the normal refresh).
    alert: "FrontendServingStale",
    expr: `sum by (host) (rate(nginx_http_response_count_total{${SELECT.nginx},cache_status="STALE"}[5m])) > 0`,
    for: THRESHOLDS.staleFor,
    severity: "critical",
    summary: `{{ $labels.host }} has served stale pages for over ${THRESHOLDS.staleFor}: the frontend app is failing.`,
  },
  {
    alert: "BackupMissing",
    expr: `time() - ${BACKUP_METRIC} > ${THRESHOLDS.backupMaxAgeHours} * 3600`,
    severity: "critical",
    summary: `The last backup of {{ $labels.database }} is over ${THRESHOLDS.backupMaxAgeHours} hours old.`,
  },
  {
    // A backup job that never succeeded writes no metric at all.
    alert: "BackupNeverRecorded",
    expr: `absent(${BACKUP_METRIC})`,
    for: `${THRESHOLDS.backupMaxAgeHours}h`,
    severity: "critical",
    summary: `No backup has been recorded for ${THRESHOLDS.backupMaxAgeHours} hours (${BACKUP_TEXTFILE}).`,
  },
  {
    // Without its exporter an alert above cannot fire, so a silent exporter is an alert of its own.
    alert: "ScrapeTargetDown",
    expr: `up == 0`,
    for: "10m",
    severity: "warning",
    summary: "{{ $labels.job }} at {{ $labels.instance }} has not answered for 10 minutes.",
  },
];

/** The Prometheus rule file holding every alert. */
export function renderAlertRules(): string {
  return stringify(
    {
      groups: [
        {
          name: "failmap",
          rules: ALERT_RULES.map((r) => ({
            alert: r.alert,
            expr: r.expr,
            ...(r.for ? { for: r.for } : {}),
            labels: { severity: r.severity },
            annotations: { summary: r.summary },
          })),
        },
      ],
    },
    { lineWidth: 0 },
  );
}
