import { shellQuote } from "../host/host-files";
import { HOST_CONSTANTS } from "./host-constants";

/** What the bootstrap scripts need to know about the host; nothing secret ever goes in here. */
export interface BootstrapEnv {
  readonly role: "main" | "worker";
  readonly fqdn: string;
  readonly deployUser: string;
  readonly timezone: string;
  readonly swapMb: number;
  readonly backupRetentionDays: number;
  readonly nodeExporterListen: string;
  /** Instance names hosted here (main only): the admin tools and backups act on these. */
  readonly instances: readonly string[];
}

/**
 * An instance's database, for the backup and restore commands. The rest of what the admin tools need
 * (image, network, app.env) is in instance.env, which FailmapInstance writes next to it.
 */
export interface DatabaseEnv {
  readonly instance: string;
  readonly database: string;
}

/**
 * The bootstrap's env file, sourced by `scripts/bootstrap/lib.sh`, and by the admin tools as host.env: the
 * host's settings, and the names and paths the scripts share with the constructs (HOST_CONSTANTS).
 */
export function renderBootstrapEnv(env: BootstrapEnv): string {
  return renderShellEnv("The host's bootstrap settings.", {
    FAILMAP_ROLE: env.role,
    FAILMAP_FQDN: env.fqdn,
    FAILMAP_DEPLOY_USER: env.deployUser,
    FAILMAP_TIMEZONE: env.timezone,
    FAILMAP_SWAP_MB: env.swapMb,
    FAILMAP_BACKUP_RETENTION_DAYS: env.backupRetentionDays,
    FAILMAP_NODE_EXPORTER_LISTEN: env.nodeExporterListen,
    FAILMAP_INSTANCES: env.instances.join(" "),
    ...HOST_CONSTANTS,
  });
}

export function renderDatabaseEnv(env: DatabaseEnv): string {
  return renderShellEnv(`The database of instance ${env.instance}.`, { FAILMAP_DATABASE: env.database });
}

/**
 * An env file for the shell: the bootstrap and the host commands source it with `.`, so every value is
 * shell-quoted and none can run as code. Not for `docker --env-file`, which would keep the quotes.
 */
export function renderShellEnv(title: string, vars: Record<string, string | number>): string {
  const lines = Object.entries(vars).map(([key, value]) => {
    const text = String(value);
    if (/[\n\r]/.test(text)) throw new Error(`${key} must be a single line, got ${JSON.stringify(text)}`);
    return `${key}=${shellQuote(text)}`;
  });
  return [`# ${title} Rendered by failmap: edit the organisation file instead.`, ...lines, ""].join("\n");
}
