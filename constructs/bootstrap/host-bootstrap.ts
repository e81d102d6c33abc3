import { Lazy } from "cdktf";
import { Construct } from "constructs";
import { loopback } from "../host/loopback";
import { PORTS } from "../../config/model/ports";
import type { OrganisationModel } from "../../config/model/organisation-model";
import type { DatabaseCredentials } from "../app/database-credentials";
import type { Host } from "../host/host";
import { HostFiles } from "../host/host-files";
import { BUNDLE_DIR, bootstrapBundle } from "./bundle";
import { renderNftables } from "./nftables";
import { readScriptFolder, repositoryRoot } from "./script-files";

export interface HostBootstrapProps {
  readonly host: Host;
  /** Its users, SSH networks and system settings, and (on main) its instances. */
  readonly organisation: OrganisationModel;
  /** The main host runs MariaDB, the backups and the admin tools; worker hosts run remote workers only. */
  readonly role: "main" | "worker";
  /**
   * The instances' databases and accounts (main only).
   * @default - none
   */
  readonly databases?: readonly DatabaseCredentials[];
  /**
   * The folder holding scripts/bootstrap and scripts/host.
   * @default - this project's folder
   */
  readonly projectRoot?: string;
}

/**
 * Turns a fresh Debian 12/13 server into a Failmap host: users and SSH hardening, host firewall, Docker,
 * updates, swap, monitoring, and on main MariaDB, backups and the admin tools. The scripts in
 * scripts/bootstrap run over SSH with sudo, and run again whenever the bundle or the machine changes.
 */
export class HostBootstrap extends Construct {
  constructor(scope: Construct, id: string, props: HostBootstrapProps) {
    super(scope, id);
    const { host, role } = props;
    const organisation = props.organisation;
    const instanceNames = props.organisation.instances.map((i) => i.name);
    const databases = props.databases ?? [];
    if (role === "worker" && databases.length > 0) {
      throw new Error(`HostBootstrap ${this.node.path}: databases live on the main host; remove them here`);
    }
    for (const db of databases) {
      if (!instanceNames.includes(db.instance)) {
        throw new Error(`HostBootstrap ${this.node.path}: database for unknown instance "${db.instance}"`);
      }
    }
    // Prometheus runs on main, so its node exporter stays on loopback; a worker host's is scraped over the
    // network, and its firewall admits only the main host (Monitoring adds that rule).
    const nodeExporterListen =
      role === "main" ? loopback(PORTS.nodeExporter) : `0.0.0.0:${PORTS.nodeExporter}`;
    const root = props.projectRoot ?? repositoryRoot();
    const instances = role === "main" ? [...instanceNames].sort() : [];

    const files = bootstrapBundle({
      env: {
        role,
        fqdn: host.fqdn,
        deployUser: host.deployUser,
        timezone: organisation.system.timezone,
        swapMb: organisation.system.swapMb,
        backupRetentionDays: organisation.system.backupRetention,
        nodeExporterListen,
        instances,
      },
      rebootWindow: organisation.system.rebootWindow,
      users: organisation.users,
      // Other constructs add inbound rules after this one is made: render them when the stack is synthesized.
      nftables: Lazy.stringValue({
        produce: () =>
          renderNftables({
            sshPort: host.sshPort,
            sshSources: organisation.sshAllowedNetworks,
            rules: host.inboundRules,
          }),
      }),
      bootstrapScripts: readScriptFolder("scripts/bootstrap", root),
      hostScripts: role === "main" ? readScriptFolder("scripts/host", root) : [],
      databases,
    });

    const bundle = new HostFiles(this, "bundle", {
      host,
      files: files.map((f) => ({ path: `${BUNDLE_DIR}/${f.path}`, content: f.content, mode: f.mode })),
      then: [`bash ${BUNDLE_DIR}/run.sh`],
    });
    host.markReady(bundle.resource);
  }
}
