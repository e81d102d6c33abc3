import { BACKUP_METRIC, THRESHOLDS } from "../alert-rules";
import { SELECT } from "../selectors";
import { type Dashboard, dashboard, query } from "./dashboard-builder";

const RATE = "$__rate_interval";
const requests = (extra = "") => `nginx_http_response_count_total{${SELECT.nginx}${extra}}`;

const host = dashboard({
  uid: "failmap-host",
  title: "Hosts",
  panels: [
    {
      title: "CPU busy",
      unit: "percentunit",
      queries: [
        query(
          `1 - avg by (host) (rate(node_cpu_seconds_total{job="node",mode="idle"}[${RATE}]))`,
          "{{host}}",
        ),
      ],
    },
    { title: "Load (1 min)", queries: [query(`node_load1{job="node"}`, "{{host}}")] },
    {
      title: "Memory used",
      unit: "percentunit",
      queries: [
        query(
          `1 - node_memory_MemAvailable_bytes{job="node"} / node_memory_MemTotal_bytes{job="node"}`,
          "{{host}}",
        ),
      ],
    },
    {
      title: "Disk used",
      unit: "percentunit",
      queries: [
        query(
          `1 - node_filesystem_avail_bytes{${SELECT.disks}} / node_filesystem_size_bytes{${SELECT.disks}}`,
          "{{host}} {{mountpoint}}",
        ),
      ],
    },
    {
      title: "Network",
      unit: "Bps",
      queries: [
        query(
          `rate(node_network_receive_bytes_total{job="node",device!="lo"}[${RATE}])`,
          "{{host}} {{device}} in",
        ),
        query(
          `rate(node_network_transmit_bytes_total{job="node",device!="lo"}[${RATE}])`,
          "{{host}} {{device}} out",
        ),
      ],
    },
    {
      title: "Disk busy",
      unit: "percentunit",
      queries: [query(`rate(node_disk_io_time_seconds_total{job="node"}[${RATE}])`, "{{host}} {{device}}")],
    },
  ],
});

const containers = dashboard({
  uid: "failmap-containers",
  title: "Containers",
  panels: [
    {
      title: "CPU (cores)",
      queries: [
        query(
          `sum by (name) (rate(container_cpu_usage_seconds_total{${SELECT.containers}}[${RATE}]))`,
          "{{name}}",
        ),
      ],
    },
    {
      title: "Memory (working set)",
      unit: "bytes",
      queries: [
        query(`sum by (name) (container_memory_working_set_bytes{${SELECT.containers}})`, "{{name}}"),
      ],
    },
    {
      title: `Restarts in the last ${THRESHOLDS.containerRestartWindow}`,
      queries: [
        query(
          `changes(container_start_time_seconds{${SELECT.containers}}[${THRESHOLDS.containerRestartWindow}])`,
          "{{name}}",
        ),
      ],
    },
    {
      title: "Disk writes",
      unit: "Bps",
      queries: [
        query(
          `sum by (name) (rate(container_fs_writes_bytes_total{${SELECT.containers}}[${RATE}]))`,
          "{{name}}",
        ),
      ],
    },
  ],
});

const cachedStatuses = `,cache_status=~"HIT|MISS|EXPIRED|STALE|UPDATING|REVALIDATED"`;
const frontendCache = dashboard({
  uid: "failmap-frontend-cache",
  title: "Frontend cache",
  panels: [
    {
      title: "Hit ratio",
      kind: "stat",
      unit: "percentunit",
      queries: [
        query(
          `sum(rate(${requests(',cache_status="HIT"')}[1h])) / sum(rate(${requests(cachedStatuses)}[1h]))`,
        ),
      ],
    },
    {
      title: "Stale answers (last hour)",
      kind: "stat",
      queries: [query(`sum(increase(${requests(',cache_status="STALE"')}[1h]))`)],
    },
    {
      title: "Requests by cache status",
      unit: "reqps",
      queries: [query(`sum by (cache_status) (rate(${requests()}[${RATE}]))`, "{{cache_status}}")],
    },
    {
      title: "Stale answers by site",
      unit: "reqps",
      queries: [query(`sum by (host) (rate(${requests(',cache_status="STALE"')}[${RATE}]))`, "{{host}}")],
    },
    {
      title: "Responses by status",
      unit: "reqps",
      queries: [query(`sum by (host, status) (rate(${requests()}[${RATE}]))`, "{{host}} {{status}}")],
    },
    {
      title: "Response time (90th percentile)",
      unit: "s",
      queries: [
        query(`max by (host) (nginx_http_response_time_seconds{${SELECT.nginx},quantile="0.9"})`, "{{host}}"),
      ],
    },
  ],
});

const queues = dashboard({
  uid: "failmap-queues",
  title: "Task queues",
  panels: [
    {
      title: "Tasks waiting per queue",
      queries: [query(`redis_key_size{${SELECT.queues}}`, "{{failmap_instance}} {{key}}")],
    },
    {
      title: "Queue growth (tasks per minute)",
      queries: [query(`deriv(redis_key_size{${SELECT.queues}}[10m]) * 60`, "{{failmap_instance}} {{key}}")],
    },
    {
      title: "Broker clients (workers connected)",
      queries: [query(`redis_connected_clients{job="broker"}`, "{{failmap_instance}}")],
    },
    {
      title: "Broker memory",
      unit: "bytes",
      queries: [query(`redis_memory_used_bytes{job="broker"}`, "{{failmap_instance}}")],
    },
  ],
});

const database = dashboard({
  uid: "failmap-database",
  title: "Database",
  panels: [
    { title: "MariaDB up", kind: "stat", queries: [query(`mysql_up{job="mysql"}`)] },
    {
      title: "Age of the last backup",
      kind: "stat",
      unit: "s",
      queries: [query(`time() - ${BACKUP_METRIC}`, "{{database}}")],
    },
    {
      title: "Queries",
      unit: "qps",
      queries: [query(`rate(mysql_global_status_queries{job="mysql"}[${RATE}])`, "queries")],
    },
    {
      title: "Connections",
      queries: [
        query(`mysql_global_status_threads_connected{job="mysql"}`, "connected"),
        query(`mysql_global_variables_max_connections{job="mysql"}`, "maximum"),
      ],
    },
    {
      title: "Slow queries",
      unit: "qps",
      queries: [query(`rate(mysql_global_status_slow_queries{job="mysql"}[${RATE}])`, "slow")],
    },
    {
      title: "InnoDB buffer pool hit ratio",
      unit: "percentunit",
      queries: [
        query(
          `1 - rate(mysql_global_status_innodb_buffer_pool_reads{job="mysql"}[${RATE}]) / rate(mysql_global_status_innodb_buffer_pool_read_requests{job="mysql"}[${RATE}])`,
          "hit ratio",
        ),
      ],
    },
  ],
});

/** Every dashboard, by file name. */
export const DASHBOARDS: Readonly<Record<string, Dashboard>> = {
  "host.json": host,
  "containers.json": containers,
  "frontend-cache.json": frontendCache,
  "queues.json": queues,
  "database.json": database,
};
