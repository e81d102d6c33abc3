import { Container, type ContainerConfig } from "@cdktf/provider-docker/lib/container";
import type { ITerraformDependable } from "cdktf";
import { createHash } from "node:crypto";
import type { Construct } from "constructs";
import { CONTAINER_LABELS } from "../../config/model/labels";
import type { Host } from "../host/host";
import { healthyWithinSeconds } from "./healthcheck-timing";

const digest = (value: unknown): string =>
  createHash("sha256").update(JSON.stringify(value)).digest("hex").slice(0, 16);

/**
 * Which instance a container serves and what it does, as its failmap.* labels say; the organisation's label
 * is the stack's (OrganisationLabel, stacks/aspects).
 */
export interface ContainerIdentity {
  /**
   * The instance (production, staging, ...) it serves.
   * @default - none: it serves the whole host (nginx, the broker endpoint, monitoring)
   */
  readonly instance?: string;
  /** What it does: frontend, broker, worker-storage-1, nginx, prometheus, ... */
  readonly role: string;
}

export interface LogRotation {
  readonly maxSizeMb: number;
  readonly files: number;
}

/** The arguments the building block sets itself, so that no container can get them wrong. */
type PolicyArguments =
  | "provider"
  | "restart"
  | "logDriver"
  | "logOpts"
  | "memory"
  | "memorySwap"
  | "wait"
  | "waitTimeout"
  | "stopTimeout"
  | "destroyGraceSeconds"
  | "labels"
  | "dependsOn"
  | "lifecycle";

/** `host` there is docker's extra /etc/hosts entries, which no container needs; here it is the Host. */
export interface FailmapContainerProps extends Omit<ContainerConfig, PolicyArguments | "host"> {
  /** The host it runs on: its docker provider (so the stack's aspects tie it to the host's bootstrap and machine). */
  readonly host: Host;
  readonly identity: ContainerIdentity;
  /**
   * A hard limit: one runaway program is killed alone instead of taking the host down with it. The container
   * gets no swap on top of it (memory_swap = memory), so the limit is what it says.
   */
  readonly memoryMb: number;
  /**
   * How long `docker stop`, and a replacement by Terraform, wait for a graceful exit.
   * @default 30
   */
  readonly stopTimeoutSeconds?: number;
  /** @default 20 MB x 5 files */
  readonly logRotation?: LogRotation;
  /**
   * What must exist before it besides the host's bootstrap, which AfterBootstrap (stacks/aspects) adds.
   * @default - only the host's bootstrap
   */
  readonly dependsOn?: readonly ITerraformDependable[];
}

export const DEFAULT_STOP_TIMEOUT_SECONDS = 30;
export const DEFAULT_LOG_ROTATION: LogRotation = { maxSizeMb: 20, files: 5 };

/**
 * A docker_container that follows the stack's container policy: restarted unless an operator stopped it,
 * logs rotated (docker keeps json-file logs forever otherwise, until the disk is full), a memory limit,
 * failmap.* labels and a stop grace. The grace is set twice on purpose: `stop_timeout` is what `docker stop`
 * waits, and without `destroy_grace_seconds` the provider stops a container it replaces with a zero timeout,
 * killing uWSGI mid-request, a worker mid-task and redis before its last append-only write.
 *
 * memory_swap is set to the memory limit. Left out, dockerd fills in twice the limit (the limit again in
 * swap), which the provider reads back as a change on every plan; equal to it, the container cannot swap, so
 * a runaway program hits its limit instead of pushing the host into swap.
 *
 * A container with a healthcheck is waited for (the provider's `wait`): an apply that starts it fails when
 * docker does not report it healthy in time (healthyWithinSeconds), instead of succeeding over a crash loop.
 * ContainerPolicy (stacks/rules/container-policy.ts) fails the synth on a container built any other way.
 */
export class FailmapContainer extends Container {
  constructor(scope: Construct, id: string, props: FailmapContainerProps) {
    const { host, identity, memoryMb, stopTimeoutSeconds, logRotation, dependsOn, ...config } = props;
    const stopTimeout = stopTimeoutSeconds ?? DEFAULT_STOP_TIMEOUT_SECONDS;
    const logs = logRotation ?? DEFAULT_LOG_ROTATION;
    super(scope, id, {
      ...config,
      provider: host.dockerProvider(),
      restart: "unless-stopped",
      logDriver: "json-file",
      logOpts: { "max-size": `${logs.maxSizeMb}m`, "max-file": String(logs.files) },
      memory: memoryMb,
      memorySwap: memoryMb,
      ...(config.healthcheck ? { wait: true, waitTimeout: healthyWithinSeconds(config.healthcheck) } : {}),
      stopTimeout,
      destroyGraceSeconds: stopTimeout,
      labels: [
        ...(identity.instance ? [{ label: CONTAINER_LABELS.instance, value: identity.instance }] : []),
        { label: CONTAINER_LABELS.role, value: identity.role },
        ...(config.healthcheck
          ? [{ label: CONTAINER_LABELS.healthcheck, value: digest(config.healthcheck) }]
          : []),
      ],
      ...(dependsOn ? { dependsOn: [...dependsOn] } : {}),
    });
  }
}
