import type { Container } from "@cdktf/provider-docker/lib/container";
import type { ITerraformDependable } from "cdktf";
import { Construct } from "constructs";
import type { Instance } from "../../config/schema";
import { appContainer, type InstanceContext } from "./app-container";
import { appEnv, type AppEnvSettings } from "./app-env";
import { httpHealthcheck } from "./healthchecks";
import type { InstancePorts } from "../../config/model/ports";
import { APP_PORT } from "./ports";

export interface WebAppsProps {
  readonly context: InstanceContext;
  readonly instance: Instance;
  readonly env: AppEnvSettings;
  readonly image: string;
  readonly ports: InstancePorts;
  /** Migrations: a new image serves only once the schema matches it. */
  readonly dependsOn: readonly ITerraformDependable[];
}

/** uWSGI workers are whole Django processes; the rest is the master and the page cache in memory. */
const memoryMb = (uwsgiWorkers: number) => 256 + 160 * uwsgiWorkers;

/**
 * The uWSGI apps behind nginx: the cached public frontend (read-only database user), the admin behind client
 * certificates, and the interactive /game/ app when the instance has one.
 */
export class WebApps extends Construct {
  readonly frontend: Container;
  readonly admin: Container;
  readonly interactive?: Container;

  constructor(scope: Construct, id: string, props: WebAppsProps) {
    super(scope, id);
    const { instance, ports } = props;
    const web = (mode: "frontend" | "admin" | "interactive", hostHeader: string, hostPort: number) =>
      appContainer(this, mode, props.context, {
        role: mode,
        image: props.image,
        command: ["runuwsgi"],
        env: appEnv({ kind: mode }, props.env),
        memoryMb: memoryMb(instance.uwsgiWorkers),
        healthcheck: httpHealthcheck(hostHeader),
        publish: { internal: APP_PORT, external: hostPort },
        database: true,
        dependsOn: props.dependsOn,
      });

    this.frontend = web("frontend", instance.domain, ports.frontend);
    this.admin = web("admin", instance.admin, ports.admin);
    if (instance.interactive) this.interactive = web("interactive", instance.domain, ports.interactive);
  }
}
