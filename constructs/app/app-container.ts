import {
  Container,
  type ContainerHealthcheck,
  type ContainerMounts,
  type ContainerUpload,
} from "@cdktf/provider-docker/lib/container";
import type { Network } from "@cdktf/provider-docker/lib/network";
import type { Host } from "../host/host";
import type { ITerraformDependable } from "cdktf";
import type { Construct } from "constructs";
import { MARIADB_SOCKET_DIR } from "../bootstrap/mariadb-socket";
import type { InstanceNames } from "./names";
import { LOOPBACK } from "./ports";

/** What every container of one instance shares. */
export interface InstanceContext {
  readonly host: Host;
  readonly organisation: string;
  readonly instance: string;
  readonly names: InstanceNames;
  readonly network: Network;
}

export interface AppContainerSpec {
  /** Becomes failmap-<instance>-<role>, the container's hostname and its failmap.role label. */
  readonly role: string;
  readonly image: string;
  readonly command: string[];
  readonly env: string[];
  readonly memoryMb: number;
  /** Omitted only where docker's own restart on exit is the whole story (celery beat has no ping). */
  readonly healthcheck?: ContainerHealthcheck;
  /** Published on 127.0.0.1 only; nothing else of a container is reachable from outside its network. */
  readonly publish?: { readonly internal: number; readonly external: number };
  /** Mounts the host's MariaDB socket directory. */
  readonly database?: boolean;
  readonly user?: string;
  /** How long `docker stop` and a replacement wait for a graceful exit (e.g. running tasks). Default 30. */
  readonly stopTimeoutSeconds?: number;
  readonly mounts?: ContainerMounts[];
  readonly upload?: ContainerUpload[];
  readonly dependsOn?: readonly ITerraformDependable[];
}

const LOG_ROTATION = { "max-size": "20m", "max-file": "5" };
/**
 * Set on every container: without destroy_grace_seconds the provider stops a container it replaces with a
 * zero timeout, killing uWSGI mid-request and redis before its last append-only write.
 */
const DEFAULT_STOP_TIMEOUT_SECONDS = 30;

export function appContainer(
  scope: Construct,
  id: string,
  ctx: InstanceContext,
  spec: AppContainerSpec,
): Container {
  const name = ctx.names.container(spec.role);
  const mounts = [...(spec.mounts ?? [])];
  const stopTimeout = spec.stopTimeoutSeconds ?? DEFAULT_STOP_TIMEOUT_SECONDS;
  if (spec.database)
    mounts.push({ type: "bind", source: MARIADB_SOCKET_DIR, target: MARIADB_SOCKET_DIR, readOnly: true });
  return new Container(scope, id, {
    provider: ctx.host.dockerProvider(),
    name,
    hostname: name,
    image: spec.image,
    command: spec.command,
    env: spec.env,
    user: spec.user,
    restart: "unless-stopped",
    logDriver: "json-file",
    logOpts: LOG_ROTATION,
    memory: spec.memoryMb,
    healthcheck: spec.healthcheck,
    stopTimeout,
    destroyGraceSeconds: stopTimeout,
    networksAdvanced: [{ name: ctx.network.name }],
    ports: spec.publish ? [{ ...spec.publish, ip: LOOPBACK, protocol: "tcp" }] : undefined,
    mounts: mounts.length > 0 ? mounts : undefined,
    upload: spec.upload,
    labels: [
      { label: "failmap.organisation", value: ctx.organisation },
      { label: "failmap.instance", value: ctx.instance },
      { label: "failmap.role", value: spec.role },
    ],
    dependsOn: [ctx.host.ready, ...(spec.dependsOn ?? [])],
  });
}
