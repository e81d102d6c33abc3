import { Token } from "cdktf";
import { MARIADB_SOCKET } from "../bootstrap/mariadb-socket";
import type { Instance, Worker } from "../../config/schema";
import type { DatabaseCredentials, DatabaseUser } from "./database-credentials";

/** What a process of the app does; it decides which settings, and which database account, it receives. */
export type AppRole =
  | { readonly kind: "frontend" }
  | { readonly kind: "admin" }
  | { readonly kind: "interactive" }
  | { readonly kind: "scheduler" }
  | { readonly kind: "worker"; readonly worker: Worker }
  /** Migrations and the host commands (failmap, failmap-shell, ...): schema rights, like the admin. */
  | { readonly kind: "tooling" };

export interface AppEnvSettings {
  readonly instance: Instance;
  readonly database: DatabaseCredentials;
  /** Shared by every app of the instance that signs sessions and tokens. */
  readonly secretKey: string;
  readonly brokerUrl: string;
}

const WEB_MODES = new Set(["frontend", "admin", "interactive"]);

/**
 * The environment of one app process, as "KEY=value" lines (the docker provider's `env` and `--env-file`).
 * Least privilege: the frontend reads, the interactive app writes rows, and scanners get neither database
 * settings nor the secret key: they only talk to the internet and the broker.
 */
export function appEnv(role: AppRole, settings: AppEnvSettings): string[] {
  const { instance } = settings;
  const env: [string, string][] = [["BROKER", settings.brokerUrl]];
  const user = databaseUser(role, settings.database);
  if (user) {
    env.push(
      ["SECRET_KEY", settings.secretKey],
      ["ALLOWED_HOSTS", [instance.domain, ...instance.aliases, instance.admin].join(",")],
      ["DJANGO_DATABASE", "production"],
      ["DB_ENGINE", "mysql"],
      ["DB_HOST", MARIADB_SOCKET],
      ["DB_NAME", settings.database.database],
      ["DB_USER", user.name],
      ["DB_PASSWORD", user.password],
    );
  }
  if (WEB_MODES.has(role.kind)) {
    env.push(["APPLICATION_MODE", role.kind], ["UWSGI_WORKERS", String(instance.uwsgiWorkers)]);
  }
  if (role.kind === "worker") env.push(["WORKER_ROLE", role.worker.role]);
  if (instance.sentryDsn) env.push(["SENTRY_DSN", instance.sentryDsn]);

  for (const [key, value] of env) {
    if (!Token.isUnresolved(value) && /[\r\n]/.test(value)) {
      throw new Error(`${key} holds a line break, which an env file cannot carry; remove it`);
    }
  }
  return env.map(([key, value]) => `${key}=${value}`);
}

/** undefined: no database settings at all. */
export function databaseUser(role: AppRole, database: DatabaseCredentials): DatabaseUser | undefined {
  switch (role.kind) {
    case "frontend":
      return database.readOnly;
    case "interactive":
      return database.readWrite;
    case "worker":
      return role.worker.scanner ? undefined : database.full;
    case "admin":
    case "scheduler":
    case "tooling":
      return database.full;
  }
}

/** An env file as `docker run --env-file` reads it: one KEY=value per line, taken literally (no quoting). */
export function renderEnvFile(env: readonly string[]): string {
  return env.map((line) => `${line}\n`).join("");
}
