import { PROMETHEUS_DATASOURCE_UID } from "./provisioning";

/*
 * Small builders for Grafana's dashboard JSON model: a dashboard is a title and a list of panels, each a
 * few PromQL queries. Layout, ids and data source references are derived, so the dashboards stay readable.
 */

export interface Query {
  readonly expr: string;
  /** Grafana legend template, e.g. "{{host}}". */
  readonly legend?: string;
}

export interface PanelSpec {
  readonly title: string;
  readonly queries: readonly Query[];
  /** A Grafana unit id: percentunit, bytes, Bps, reqps, s, short... */
  readonly unit?: string;
  /** A stat shows the latest value large; a time series shows the history. */
  readonly kind?: "timeseries" | "stat";
}

export interface DashboardSpec {
  readonly uid: string;
  readonly title: string;
  readonly panels: readonly PanelSpec[];
}

const GRID_WIDTH = 24;
const SIZE = { timeseries: { w: 12, h: 8 }, stat: { w: 6, h: 4 } } as const;
const datasource = { type: "prometheus", uid: PROMETHEUS_DATASOURCE_UID };

export const query = (expr: string, legend?: string): Query => ({ expr, legend });

export function dashboard(spec: DashboardSpec) {
  let x = 0;
  let y = 0;
  let rowHeight = 0;
  const panels = spec.panels.map((p, i) => {
    const kind = p.kind ?? "timeseries";
    const { w, h } = SIZE[kind];
    if (x + w > GRID_WIDTH) {
      x = 0;
      y += rowHeight;
      rowHeight = 0;
    }
    const gridPos = { x, y, w, h };
    x += w;
    rowHeight = Math.max(rowHeight, h);
    return {
      id: i + 1,
      type: kind,
      title: p.title,
      gridPos,
      datasource,
      fieldConfig: { defaults: { unit: p.unit ?? "short" }, overrides: [] },
      options:
        kind === "stat" ? { reduceOptions: { calcs: ["lastNotNull"] } } : { legend: { displayMode: "list" } },
      targets: p.queries.map((q, j) => ({
        refId: String.fromCharCode(65 + j),
        datasource,
        expr: q.expr,
        ...(q.legend ? { legendFormat: q.legend } : {}),
      })),
    };
  });
  return {
    // Provisioned dashboards are identified by uid; a fixed id would clash across organisations.
    id: null,
    uid: spec.uid,
    title: spec.title,
    tags: ["failmap"],
    timezone: "browser",
    editable: false,
    schemaVersion: 39,
    version: 1,
    refresh: "1m",
    time: { from: "now-24h", to: "now" },
    templating: { list: [] },
    annotations: { list: [] },
    panels,
  };
}

export type Dashboard = ReturnType<typeof dashboard>;
