import type {
  Container,
  ContainerHealthcheck,
  ContainerMounts,
  ContainerUpload,
  ContainerVolumes,
} from "@cdktf/provider-docker/lib/container";
import type { Network } from "@cdktf/provider-docker/lib/network";
import type { ITerraformDependable } from "cdktf";
import type { Construct } from "constructs";
import { MARIADB_SOCKET_DIR } from "../bootstrap/mariadb-socket";
import type { Host } from "../host/host";
import { FailmapContainer } from "./failmap-container";
import type { InstanceNames } from "../../config/model/names";
import { LOOPBACK } from "./ports";

/** What every container of one instance on one host shares. */
export interface InstanceContext {
  readonly host: Host;
  readonly instance: string;
  readonly names: InstanceNames;
  /**
   * The instance's own docker network on the main host, or "host" on a worker host, where scanners use the
   * host's addresses and reach the broker through its public endpoint.
   */
  readonly network: Network | "host";
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
  /** @default 30 (FailmapContainer) */
  readonly stopTimeoutSeconds?: number;
  readonly mounts?: ContainerMounts[];
  readonly volumes?: ContainerVolumes[];
  readonly upload?: ContainerUpload[];
  readonly dependsOn?: readonly ITerraformDependable[];
}

/** A container of the Failmap app (or its broker), named and labelled after its instance and role. */
export function appContainer(
  scope: Construct,
  id: string,
  ctx: InstanceContext,
  spec: AppContainerSpec,
): Container {
  const name = ctx.names.container(spec.role);
  const onHostNetwork = ctx.network === "host";
  if (onHostNetwork && spec.publish) {
    throw new Error(`${name} runs on the host's network, where there is nothing to publish`);
  }
  const mounts = [...(spec.mounts ?? [])];
  if (spec.database)
    mounts.push({ type: "bind", source: MARIADB_SOCKET_DIR, target: MARIADB_SOCKET_DIR, readOnly: true });
  return new FailmapContainer(scope, id, {
    host: ctx.host,
    identity: { instance: ctx.instance, role: spec.role },
    name,
    // Also on the host's network: Celery names its node after it, so replicas on one host stay apart.
    hostname: name,
    image: spec.image,
    command: spec.command,
    env: spec.env,
    user: spec.user,
    memoryMb: spec.memoryMb,
    healthcheck: spec.healthcheck,
    stopTimeoutSeconds: spec.stopTimeoutSeconds,
    networkMode: onHostNetwork ? "host" : undefined,
    networksAdvanced: ctx.network === "host" ? undefined : [{ name: ctx.network.name }],
    ports: spec.publish ? [{ ...spec.publish, ip: LOOPBACK, protocol: "tcp" }] : undefined,
    mounts: mounts.length > 0 ? mounts : undefined,
    volumes: spec.volumes,
    upload: spec.upload,
    dependsOn: spec.dependsOn,
  });
}
