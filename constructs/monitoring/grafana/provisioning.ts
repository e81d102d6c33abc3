import { stringify } from "yaml";
import { PORTS } from "../../../config/model/ports";
import { loopback } from "../../host/loopback";

/** Dashboards point at the data source by this uid, so renaming it in the UI cannot break them. */
export const PROMETHEUS_DATASOURCE_UID = "failmap-prometheus";
/** Where the container finds its dashboards (a read-only bind mount). */
export const DASHBOARDS_PATH = "/etc/grafana/dashboards";

/** provisioning/datasources/failmap.yml: the one Prometheus on the same host. */
export function renderDatasourceProvisioning(): string {
  return stringify({
    apiVersion: 1,
    datasources: [
      {
        name: "Prometheus",
        uid: PROMETHEUS_DATASOURCE_UID,
        type: "prometheus",
        access: "proxy",
        url: `http://${loopback(PORTS.prometheus)}`,
        isDefault: true,
        editable: false,
        jsonData: { timeInterval: "30s" },
      },
    ],
  });
}

/** provisioning/dashboards/failmap.yml: dashboards come from files only; the UI cannot change or delete them. */
export function renderDashboardProvisioning(): string {
  return stringify({
    apiVersion: 1,
    providers: [
      {
        name: "failmap",
        orgId: 1,
        folder: "Failmap",
        type: "file",
        disableDeletion: true,
        allowUiUpdates: false,
        updateIntervalSeconds: 30,
        options: { path: DASHBOARDS_PATH, foldersFromFilesStructure: false },
      },
    ],
  });
}
