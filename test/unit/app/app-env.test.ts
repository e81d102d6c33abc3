import { resolveOrganisation } from "../../../config/model/organisation-model";
import type { Worker } from "../../../config/schema";
import { appEnv, renderEnvFile, type AppEnvSettings, type AppRole } from "../../../constructs/app/app-env";
import { faalkaart, fakeDatabase } from "./fixture";

const production = resolveOrganisation(faalkaart()).instances.find((i) => i.name === "production")!;
const settings: AppEnvSettings = {
  instance: production,
  database: fakeDatabase("production"),
  secretKey: "s3cret",
  brokerUrl: "redis://:pw@failmap-production-broker:6379/0",
};
const worker = (role: Worker["role"], scanner: boolean): AppRole => ({
  kind: "worker",
  worker: { role, scanner, concurrency: 20, replicas: 1 },
  host: "faalserver.faalkaart.nl",
});
const asMap = (env: string[]) =>
  Object.fromEntries(env.map((l) => [l.slice(0, l.indexOf("=")), l.slice(l.indexOf("=") + 1)]));

describe("the environment of each app role", () => {
  it("gives scanners the broker and their role, and nothing of the database or the secret key", () => {
    const env = asMap(appEnv(worker("all_internet", true), settings));
    expect(env).toEqual({
      BROKER: settings.brokerUrl,
      WORKER_ROLE: "all_internet",
      HOST_HOSTNAME: "faalserver.faalkaart.nl",
    });
  });

  it("gives a scanner the same settings where there is no database, and refuses any other role there", () => {
    const workerHost = { instance: production, brokerUrl: settings.brokerUrl };
    expect(appEnv(worker("qualys", true), workerHost)).toEqual(appEnv(worker("qualys", true), settings));
    expect(() => appEnv(worker("storage", false), workerHost)).toThrow(
      /the storage worker needs the database, which only the main host has/,
    );
    expect(() => appEnv({ kind: "scheduler" }, workerHost)).toThrow(/the scheduler needs the database/);
  });

  it.each([
    ["frontend", { kind: "frontend" } as AppRole, "failmap_production_ro", "ro-production-pw"],
    ["interactive", { kind: "interactive" } as AppRole, "failmap_production_rw", "rw-production-pw"],
    ["admin", { kind: "admin" } as AppRole, "failmap_production", "full-production-pw"],
    ["scheduler", { kind: "scheduler" } as AppRole, "failmap_production", "full-production-pw"],
    ["tooling", { kind: "tooling" } as AppRole, "failmap_production", "full-production-pw"],
    ["storage worker", worker("storage", false), "failmap_production", "full-production-pw"],
  ])("gives the %s its own database account", (_what, role, user, password) => {
    const env = asMap(appEnv(role, settings));
    expect(env).toMatchObject({
      DB_ENGINE: "mysql",
      DB_HOST: "/run/mysqld/mysqld.sock",
      DB_NAME: "failmap_production",
      DB_USER: user,
      DB_PASSWORD: password,
      DJANGO_DATABASE: "production",
      SECRET_KEY: "s3cret",
    });
  });

  it.each([
    ["frontend", { kind: "frontend" } as AppRole, "faalkaart.nl"],
    ["interactive app", { kind: "interactive" } as AppRole, "faalkaart.nl"],
    ["admin", { kind: "admin" } as AppRole, "admin.faalkaart.nl"],
    ["host commands", { kind: "tooling" } as AppRole, "faalkaart.nl,admin.faalkaart.nl"],
    ["scheduler", { kind: "scheduler" } as AppRole, undefined],
    ["storage worker", worker("storage", false), undefined],
  ])("lets the %s answer the names nginx hands it, never an alias", (_what, role, hosts) => {
    expect(asMap(appEnv(role, settings)).ALLOWED_HOSTS).toBe(hosts);
  });

  it("sets the uWSGI mode and workers on the web apps only", () => {
    expect(asMap(appEnv({ kind: "admin" }, settings))).toMatchObject({
      APPLICATION_MODE: "admin",
      UWSGI_WORKERS: "4",
    });
    expect(asMap(appEnv({ kind: "scheduler" }, settings))).not.toHaveProperty("APPLICATION_MODE");
  });

  it("passes SENTRY_DSN only when the instance has one", () => {
    expect(asMap(appEnv({ kind: "admin" }, settings))).not.toHaveProperty("SENTRY_DSN");
    const withSentry = {
      ...settings,
      instance: {
        ...production,
        settings: { ...production.settings, sentryDsn: "https://k@sentry.example/1" },
      },
    };
    expect(asMap(appEnv(worker("qualys", true), withSentry)).SENTRY_DSN).toBe("https://k@sentry.example/1");
  });

  it("refuses a value an env file cannot carry", () => {
    expect(() => appEnv({ kind: "admin" }, { ...settings, secretKey: "a\nb" })).toThrow(
      /SECRET_KEY.*line break/,
    );
  });

  it("renders an env file docker --env-file reads literally", () => {
    expect(renderEnvFile(["A=1", "B=x=y"])).toBe("A=1\nB=x=y\n");
    // Not shell-quoted like instance.env: docker would keep the quotes as part of the value.
    expect(renderEnvFile(["SECRET_KEY=a b$c'd"])).toBe("SECRET_KEY=a b$c'd\n");
  });
});
