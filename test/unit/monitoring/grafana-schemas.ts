/*
 * JSON Schemas written from Grafana's documented provisioning format ("Provision Grafana": data sources and
 * dashboard providers) and the dashboard JSON model. Unknown keys are errors, so a misspelt setting that
 * Grafana would silently ignore fails the test instead.
 */

export const datasourceProvisioningSchema = {
  type: "object",
  additionalProperties: false,
  required: ["apiVersion", "datasources"],
  properties: {
    apiVersion: { const: 1 },
    deleteDatasources: {
      type: "array",
      items: {
        type: "object",
        required: ["name"],
        properties: { name: { type: "string" }, orgId: { type: "integer" } },
      },
    },
    datasources: {
      type: "array",
      minItems: 1,
      items: {
        type: "object",
        additionalProperties: false,
        required: ["name", "type", "access", "url"],
        properties: {
          name: { type: "string", minLength: 1 },
          type: { type: "string", minLength: 1 },
          uid: { type: "string", pattern: "^[a-zA-Z0-9_-]{1,40}$" },
          access: { enum: ["proxy", "direct"] },
          orgId: { type: "integer" },
          url: { type: "string", format: "uri" },
          user: { type: "string" },
          database: { type: "string" },
          basicAuth: { type: "boolean" },
          basicAuthUser: { type: "string" },
          withCredentials: { type: "boolean" },
          isDefault: { type: "boolean" },
          version: { type: "integer" },
          editable: { type: "boolean" },
          jsonData: { type: "object" },
          secureJsonData: { type: "object" },
        },
      },
    },
  },
} as const;

export const dashboardProvisioningSchema = {
  type: "object",
  additionalProperties: false,
  required: ["apiVersion", "providers"],
  properties: {
    apiVersion: { const: 1 },
    providers: {
      type: "array",
      minItems: 1,
      items: {
        type: "object",
        additionalProperties: false,
        required: ["name", "type", "options"],
        properties: {
          name: { type: "string", minLength: 1 },
          orgId: { type: "integer" },
          folder: { type: "string" },
          folderUid: { type: "string" },
          type: { const: "file" },
          disableDeletion: { type: "boolean" },
          allowUiUpdates: { type: "boolean" },
          updateIntervalSeconds: { type: "integer", minimum: 10 },
          options: {
            type: "object",
            additionalProperties: false,
            required: ["path"],
            properties: {
              path: { type: "string", pattern: "^/" },
              foldersFromFilesStructure: { type: "boolean" },
            },
          },
        },
      },
    },
  },
} as const;

const datasourceRef = (uid: string) => ({
  type: "object",
  required: ["type", "uid"],
  properties: { type: { const: "prometheus" }, uid: { const: uid } },
});

/** A dashboard whose every panel queries the provisioned Prometheus with at least one expression. */
export function dashboardSchema(datasourceUid: string) {
  return {
    type: "object",
    required: ["uid", "title", "schemaVersion", "panels"],
    properties: {
      id: { type: "null" },
      uid: { type: "string", pattern: "^[a-zA-Z0-9_-]{1,40}$" },
      title: { type: "string", minLength: 1 },
      schemaVersion: { type: "integer", minimum: 30 },
      editable: { type: "boolean" },
      tags: { type: "array", items: { type: "string" } },
      time: { type: "object", required: ["from", "to"] },
      refresh: { type: "string" },
      templating: { type: "object", required: ["list"] },
      panels: {
        type: "array",
        minItems: 1,
        items: {
          type: "object",
          required: ["id", "type", "title", "gridPos", "datasource", "targets"],
          properties: {
            id: { type: "integer", minimum: 1 },
            type: { enum: ["timeseries", "stat", "gauge", "table", "bargauge"] },
            title: { type: "string", minLength: 1 },
            gridPos: {
              type: "object",
              additionalProperties: false,
              required: ["x", "y", "w", "h"],
              properties: {
                x: { type: "integer", minimum: 0, maximum: 23 },
                y: { type: "integer", minimum: 0 },
                w: { type: "integer", minimum: 1, maximum: 24 },
                h: { type: "integer", minimum: 1 },
              },
            },
            datasource: datasourceRef(datasourceUid),
            fieldConfig: { type: "object", required: ["defaults"] },
            targets: {
              type: "array",
              minItems: 1,
              items: {
                type: "object",
                required: ["refId", "expr", "datasource"],
                properties: {
                  refId: { type: "string", pattern: "^[A-Z]$" },
                  expr: { type: "string", minLength: 1 },
                  legendFormat: { type: "string" },
                  datasource: datasourceRef(datasourceUid),
                },
              },
            },
          },
        },
      },
    },
  };
}
