import type { Container } from "@cdktf/provider-docker/lib/container";
import type { ITerraformDependable } from "cdktf";
import { Construct } from "constructs";
import type { Worker } from "../../config/schema";
import { appContainer, type InstanceContext } from "./app-container";
import { appEnv, type AppEnvSettings } from "./app-env";
import { celeryHealthcheck } from "./healthchecks";

export interface WorkersProps {
  readonly context: InstanceContext;
  readonly workers: readonly Worker[];
  readonly env: AppEnvSettings;
  readonly image: string;
  /** The entrypoint's name, for the health check that runs beside it. */
  readonly manageCommand: string;
  readonly dependsOn: readonly ITerraformDependable[];
}

/** A running scan or storage task gets five minutes to finish before a stop or a new image kills it. */
export const WORKER_STOP_TIMEOUT_SECONDS = 300;
/** Workers never need more than an ordinary account; "nobody" owns nothing in the image. */
export const WORKER_USER = "nobody";

/**
 * Storage writes to the database and burns CPU: a few processes (prefork). Every other role mostly waits on the
 * network or the broker: many green threads in one process (eventlet).
 */
function pool(worker: Worker): { pool: "prefork" | "eventlet"; memoryMb: number } {
  return worker.role === "storage"
    ? { pool: "prefork", memoryMb: 256 + 192 * worker.concurrency }
    : { pool: "eventlet", memoryMb: 512 + 8 * worker.concurrency };
}

/** The Celery workers, one container per role and replica, and the beat scheduler. */
export class Workers extends Construct {
  readonly containers: Container[] = [];
  readonly scheduler: Container;

  constructor(scope: Construct, id: string, props: WorkersProps) {
    super(scope, id);
    const ctx = props.context;
    const seen = new Set<string>();
    for (const worker of props.workers) {
      if (seen.has(worker.role)) {
        throw new Error(
          `instance ${ctx.instance} lists worker role '${worker.role}' twice; use one entry with replicas`,
        );
      }
      seen.add(worker.role);
      const { pool: kind, memoryMb } = pool(worker);
      for (let replica = 1; replica <= worker.replicas; replica++) {
        const role = `worker-${worker.role}-${replica}`;
        this.containers.push(
          appContainer(this, role, ctx, {
            role,
            image: props.image,
            command: [
              "celery",
              "worker",
              "--loglevel=info",
              `--concurrency=${worker.concurrency}`,
              "-P",
              kind,
            ],
            env: appEnv({ kind: "worker", worker }, props.env),
            memoryMb,
            healthcheck: celeryHealthcheck(props.manageCommand),
            database: !worker.scanner,
            user: WORKER_USER,
            stopTimeoutSeconds: WORKER_STOP_TIMEOUT_SECONDS,
            dependsOn: props.dependsOn,
          }),
        );
      }
    }

    this.scheduler = appContainer(this, "scheduler", ctx, {
      role: "scheduler",
      image: props.image,
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
