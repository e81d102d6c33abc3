import { Token } from "cdktf";
import { MARIADB_SOCKET } from "../bootstrap/mariadb-socket";
import type { InstanceModel } from "../../config/model/organisation-model";
import type { Instance, Worker } from "../../config/schema";
import type { DatabaseCredentials, DatabaseUser } from "./database-credentials";

/** What a process of the app does; it decides which settings, and which database account, it receives. */
export type AppRole =
  | { readonly kind: "frontend" }
  | { readonly kind: "admin" }
  | { readonly kind: "interactive" }
  | { readonly kind: "scheduler" }
  /** `host`: the FQDN of the host it runs on (HOST_HOSTNAME), so a result says where it was scanned from. */
  | { readonly kind: "worker"; readonly worker: Worker; readonly host: string }
  /** Migrations and the host commands (failmap, failmap-shell, ...): schema rights, like the admin. */
  | { readonly kind: "tooling" };

export interface AppEnvSettings {
  /** The instance the app serves, as the model resolved it. */
  readonly instance: InstanceModel;
  readonly brokerUrl: string;
  /**
   * The instance's database accounts, on the host that has the database.
   * @default - none: only scanners run here (a worker host), and asking for anything else is an error
   */
  readonly database?: DatabaseCredentials;
  /**
   * Shared by every app of the instance that signs sessions and tokens; given with the database.
   * @default - none, as for `database`
   */
  readonly secretKey?: string;
}

const WEB_MODES = new Set(["frontend", "admin", "interactive"]);

/**
 * The environment of one app process, as "KEY=value" lines (the docker provider's `env` and `--env-file`).
 * Least privilege: the frontend reads, the interactive app writes rows, and scanners get neither database
 * settings nor the secret key: they only talk to the internet and the broker.
 */
export function appEnv(role: AppRole, settings: AppEnvSettings): string[] {
  const instance = settings.instance.settings;
  const env: [string, string][] = [["BROKER", settings.brokerUrl]];
  const access = databaseAccess(role, settings);
  if (access) {
    const { user, database, secretKey } = access;
    const hosts = allowedHosts(role, instance);
    env.push(
      ["SECRET_KEY", secretKey],
      ...(hosts ? [["ALLOWED_HOSTS", hosts.join(",")] as [string, string]] : []),
      ["DJANGO_DATABASE", "production"],
      ["DB_ENGINE", "mysql"],
      ["DB_HOST", MARIADB_SOCKET],
      ["DB_NAME", database],
      ["DB_USER", user.name],
      ["DB_PASSWORD", user.password],
    );
  }
  if (WEB_MODES.has(role.kind)) {
    env.push(["APPLICATION_MODE", role.kind], ["UWSGI_WORKERS", String(instance.uwsgiWorkers)]);
  }
  if (role.kind === "worker") env.push(["WORKER_ROLE", role.worker.role], ["HOST_HOSTNAME", role.host]);
  if (instance.sentryDsn) env.push(["SENTRY_DSN", instance.sentryDsn]);

  for (const [key, value] of env) {
    if (!Token.isUnresolved(value) && /[\r\n]/.test(value)) {
      throw new Error(`${key} holds a line break, which an env file cannot carry; remove it`);
    }
  }
  return env.map(([key, value]) => `${key}=${value}`);
}

/**
 * The Host names Django accepts: those nginx hands the app (its server_name), nothing more. Aliases redirect
 * in nginx and never reach an app, and workers and the scheduler serve no requests; so an edit of a site's
 * names replaces only the containers that serve that name (a replaced container is down until its stop grace
 * and start are over: 300 s for a worker). The host commands (tooling) get the site and the admin.
 */
function allowedHosts(role: AppRole, instance: Instance): string[] | undefined {
  switch (role.kind) {
    case "frontend":
    case "interactive":
      return [instance.domain];
    case "admin":
      return [instance.admin];
    case "tooling":
      return [instance.domain, instance.admin];
    default:
      return undefined;
  }
}

/**
 * The database account and secret key a role gets; undefined for scanners, which get neither. A role that
 * needs them where there are none (a worker host) is an error, not a worker without its settings.
 */
function databaseAccess(
  role: AppRole,
  settings: AppEnvSettings,
): { user: DatabaseUser; database: string; secretKey: string } | undefined {
  if (role.kind === "worker" && role.worker.scanner) return undefined;
  const { database, secretKey } = settings;
  if (!database || !secretKey) {
    const what = role.kind === "worker" ? `the ${role.worker.role} worker` : `the ${role.kind}`;
    throw new Error(
      `${what} needs the database, which only the main host has; worker hosts run scanners only`,
    );
  }
  return { user: accountOf(role.kind, database), database: database.database, secretKey };
}

/** Least privilege: the frontend reads, the interactive app writes rows, the rest may change the schema. */
function accountOf(kind: AppRole["kind"], database: DatabaseCredentials): DatabaseUser {
  if (kind === "frontend") return database.readOnly;
  if (kind === "interactive") return database.readWrite;
  return database.full;
}

/** An env file as `docker run --env-file` reads it: one KEY=value per line, taken literally (no quoting). */
export function renderEnvFile(env: readonly string[]): string {
  return env.map((line) => `${line}\n`).join("");
}
