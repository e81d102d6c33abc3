import Ajv from "ajv";
import addFormats from "ajv-formats";
import { parse } from "yaml";
import { DASHBOARDS } from "../../../constructs/monitoring/grafana/dashboards";
import {
  DASHBOARDS_PATH,
  PROMETHEUS_DATASOURCE_UID,
  renderDashboardProvisioning,
  renderDatasourceProvisioning,
} from "../../../constructs/monitoring/grafana/provisioning";
import { AJV_OPTIONS } from "../../support/ajv";
import {
  dashboardSchema,
  dashboardProvisioningSchema,
  datasourceProvisioningSchema,
} from "./grafana-schemas";

// ajv-formats checks `format`; AJV_OPTIONS makes a format it does not know an error, not an ignored field.
const ajv = addFormats(new Ajv(AJV_OPTIONS));

function expectValid(schema: object, document: unknown) {
  const validate = ajv.compile(schema);
  validate(document);
  expect(validate.errors ?? []).toEqual([]);
}

describe("Grafana provisioning", () => {
  it("provisions the loopback Prometheus as the default data source", () => {
    const doc = parse(renderDatasourceProvisioning());
    expectValid(datasourceProvisioningSchema, doc);
    expect(doc.datasources[0]).toMatchObject({
      uid: PROMETHEUS_DATASOURCE_UID,
      url: "http://127.0.0.1:9090",
      isDefault: true,
    });
  });

  it("loads dashboards from the mounted directory and keeps the UI from changing them", () => {
    const doc = parse(renderDashboardProvisioning());
    expectValid(dashboardProvisioningSchema, doc);
    expect(doc.providers[0].options.path).toBe(DASHBOARDS_PATH);
    expect(doc.providers[0].allowUiUpdates).toBe(false);
  });

  it("the schemas reject what Grafana would silently ignore or refuse", () => {
    const datasources = parse(renderDatasourceProvisioning());
    datasources.datasources[0].isdefault = true;
    expect(ajv.validate(datasourceProvisioningSchema, datasources)).toBe(false);
    const dashboard = structuredClone(DASHBOARDS["host.json"]) as { panels: { targets: unknown[] }[] };
    dashboard.panels[0].targets = [];
    expect(ajv.validate(dashboardSchema(PROMETHEUS_DATASOURCE_UID), dashboard)).toBe(false);
  });

  it("the data source schema refuses a url that is not a URI", () => {
    const datasources = parse(renderDatasourceProvisioning());
    datasources.datasources[0].url = "127.0.0.1:9090 (prometheus)";
    expect(ajv.validate(datasourceProvisioningSchema, datasources)).toBe(false);
    expect(ajv.errors).toEqual([expect.objectContaining({ keyword: "format", params: { format: "uri" } })]);
  });
});

describe("dashboards", () => {
  const entries = Object.entries(DASHBOARDS);

  it("has one per subject: host, containers, frontend cache, queues, database", () => {
    expect(entries.map(([, d]) => d.uid).sort()).toEqual(
      [
        "failmap-containers",
        "failmap-database",
        "failmap-frontend-cache",
        "failmap-host",
        "failmap-queues",
      ].sort(),
    );
  });

  it.each(entries)("%s is a valid dashboard on the provisioned data source", (_file, d) => {
    expectValid(dashboardSchema(PROMETHEUS_DATASOURCE_UID), JSON.parse(JSON.stringify(d)));
  });

  it.each(entries)("%s has unique panel ids and no overlapping panels", (_file, d) => {
    expect(new Set(d.panels.map((p) => p.id)).size).toBe(d.panels.length);
    const cells = new Set<string>();
    for (const { gridPos: g } of d.panels) {
      expect(g.x + g.w).toBeLessThanOrEqual(24);
      for (let x = g.x; x < g.x + g.w; x++) {
        for (let y = g.y; y < g.y + g.h; y++) {
          const cell = `${x},${y}`;
          expect(cells.has(cell)).toBe(false);
          cells.add(cell);
        }
      }
    }
  });
});
