import type { Container } from "@cdktf/provider-docker/lib/container";
import type { Network } from "@cdktf/provider-docker/lib/network";
import type { ITerraformDependable } from "cdktf";
import { Construct } from "constructs";
import type { InstanceModel, PlacedWorker } from "../../config/model/organisation-model";
import { workerMemoryMb, workerPool } from "../../config/worker-pools";
import type { Host } from "../host/host";
import { appContainer, type AppContainerSpec, type InstanceContext } from "./app-container";
import { appEnv, type AppEnvSettings } from "./app-env";
import { celeryHealthcheck } from "./healthchecks";

/** The main host: the instance network, the database beside it, and the beat scheduler. */
export interface MainHostSite {
  readonly kind: "main";
  readonly network: Network;
}

/** A worker host: the host's own network, and a client certificate for the broker endpoint. */
export interface WorkerHostSite {
  readonly kind: "worker-host";
  /** Its name in the organisation model (WorkerHostModel.name), which the workers' placement names. */
  readonly host: string;
  /** The directory with the client certificate on the host, and where the BROKER URL expects it inside. */
  readonly clientCertificates: { readonly hostPath: string; readonly containerPath: string };
}

export type WorkerSite = MainHostSite | WorkerHostSite;

/** What the worker containers of one instance at one site are made from. */
export interface WorkerContainersInput {
  /** The instance as the organisation model resolved it; its workers say where each one runs. */
  readonly instance: InstanceModel;
  /** Where these containers run: the workers placed there are the ones made. */
  readonly site: WorkerSite;
  /** The FQDN of the host they run on: HOST_HOSTNAME, so a result says where it was scanned from. */
  readonly hostFqdn: string;
  /**
   * BROKER as reached from this host, and the database accounts on the main host only: a worker host has
   * no database, so a role that needs one cannot be made there.
   */
  readonly env: AppEnvSettings;
  /**
   * The app image as the host runs it (a local image id on the main host, the pinned reference on a worker
   * host), and the entrypoint's name for the health check.
   */
  readonly image: { readonly id: string; readonly manageCommand: string };
}

export interface WorkersProps extends Omit<WorkerContainersInput, "site" | "hostFqdn"> {
  readonly host: Host;
  readonly site: MainHostSite;
  /**
   * Migrations and the broker.
   * @default - only the host's bootstrap
   */
  readonly dependsOn?: readonly ITerraformDependable[];
}

/** A running scan or storage task gets five minutes to finish before a stop or a new image kills it. */
export const WORKER_STOP_TIMEOUT_SECONDS = 300;
/**
 * Workers run as nobody, by number: on a worker host the client key file must belong to the same uid, and
 * the host cannot look up names inside the image. The uid owns nothing in the image.
 */
export const WORKER_USER = "65534:65534";

/**
 * The Celery worker containers of one instance placed at a site, one per role and replica: the same
 * containers on either kind of host (environment with SENTRY_DSN, memory limit from the pool, health check,
 * user, stop grace); the wiring and the pool follow the site. The main host makes docker_containers of them
 * (Workers); a worker host runs them from a script of its own (WorkerHostContainers).
 */
export function workerContainers(input: WorkerContainersInput): AppContainerSpec[] {
  const { instance, site } = input;
  const specs: AppContainerSpec[] = [];
  const seen = new Set<string>();
  for (const { worker } of instance.workers.filter((w) => placedAt(w, site))) {
    if (seen.has(worker.role)) {
      throw new Error(
        `instance ${instance.name} lists worker role '${worker.role}' twice; use one entry with replicas`,
      );
    }
    seen.add(worker.role);
    const pool = workerPool(worker, site.kind);
    for (let replica = 1; replica <= worker.replicas; replica++) {
      specs.push({
        role: `worker-${worker.role}-${replica}`,
        image: input.image.id,
        command: ["celery", "worker", "--loglevel=info", `--concurrency=${worker.concurrency}`, "-P", pool],
        env: appEnv({ kind: "worker", worker, host: input.hostFqdn }, input.env),
        memoryMb: workerMemoryMb(worker, site.kind),
        healthcheck: celeryHealthcheck(input.image.manageCommand),
        database: site.kind === "main" && !worker.scanner,
        volumes: site.kind === "worker-host" ? [{ ...site.clientCertificates, readOnly: true }] : undefined,
        user: WORKER_USER,
        stopTimeoutSeconds: WORKER_STOP_TIMEOUT_SECONDS,
      });
    }
  }
  return specs;
}

/** The Celery workers of one instance on the main host, and its beat scheduler. */
export class Workers extends Construct {
  readonly containers: Container[] = [];
  /** Beat reads its schedule from the database. */
  readonly scheduler: Container;

  constructor(scope: Construct, id: string, props: WorkersProps) {
    super(scope, id);
    const { host, instance, site } = props;
    const ctx: InstanceContext = {
      host,
      instance: instance.name,
      names: instance.names,
      network: site.network,
    };
    for (const spec of workerContainers({ ...props, hostFqdn: host.fqdn })) {
      this.containers.push(appContainer(this, spec.role, ctx, { ...spec, dependsOn: props.dependsOn }));
    }
    this.scheduler = appContainer(this, "scheduler", ctx, {
      role: "scheduler",
      image: props.image.id,
      // Periodic tasks live in the database (editable in the admin). No pidfile: a stale one after a crash
      // would keep beat from starting again.
      command: [
        "celery",
        "beat",
        "--loglevel=info",
        "--scheduler=django_celery_beat.schedulers:DatabaseScheduler",
        "--pidfile=",
      ],
      env: appEnv({ kind: "scheduler" }, props.env),
      memoryMb: 256,
      database: true,
      user: WORKER_USER,
      dependsOn: props.dependsOn,
    });
  }
}

function placedAt({ placement }: PlacedWorker, site: WorkerSite): boolean {
  if (site.kind === "main") return placement.kind === "main";
  return placement.kind === "worker-host" && placement.host === site.host;
}
