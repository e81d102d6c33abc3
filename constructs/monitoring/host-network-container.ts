import type { Container, ContainerVolumes } from "@cdktf/provider-docker/lib/container";
import type { ITerraformDependable } from "cdktf";
import { Construct } from "constructs";
import { FailmapContainer, type ContainerIdentity } from "../app/failmap-container";
import { httpGetHealthcheck } from "../app/healthchecks";
import type { Host } from "../host/host";
import { PinnedImage } from "../host/pinned-image";

export interface HostNetworkContainerProps {
  readonly host: Host;
  /** Its failmap.* labels: the organisation, the program as its role, and the instance it watches if one. */
  readonly identity: ContainerIdentity;
  /** The container name, failmap-<something>. */
  readonly name: string;
  readonly image: string;
  /** A hard limit, sized for the program with room to spare; see each program's reason in Monitoring. */
  readonly memoryMb: number;
  /** @default - the image's own command */
  readonly command?: readonly string[];
  /** @default - none */
  readonly env?: Readonly<Record<string, string>>;
  /**
   * host path → container path, read-only unless the container path is in `writable`.
   * @default - none
   */
  readonly mounts?: Readonly<Record<string, string>>;
  /** @default - every mount is read-only */
  readonly writable?: readonly string[];
  /**
   * Where the program says it is up, on 127.0.0.1; the apply waits for it (FailmapContainer).
   * @default - no healthcheck: the image has no program to ask with (scratch images)
   */
  readonly health?: {
    readonly port: number;
    readonly path: string;
    /** How long it may take to start before failed checks count. */
    readonly startPeriod: string;
  };
  /** @default false */
  readonly privileged?: boolean;
  /** @default - none */
  readonly devices?: readonly string[];
  /**
   * The container's config files; the host's bootstrap (Docker) comes first anyway.
   * @default - only the host's bootstrap
   */
  readonly dependsOn?: readonly ITerraformDependable[];
}

/**
 * A monitoring program in a container on the host's network. Host networking keeps the scrape addresses
 * simple (127.0.0.1:port for everything); each program is told to bind to loopback, so none is public.
 */
export class HostNetworkContainer extends Construct {
  readonly container: Container;

  constructor(scope: Construct, id: string, props: HostNetworkContainerProps) {
    super(scope, id);
    const image = new PinnedImage(this, "image", {
      host: props.host,
      reference: props.image,
    });
    const writable = new Set(props.writable ?? []);
    const volumes: ContainerVolumes[] = Object.entries(props.mounts ?? {}).map(
      ([hostPath, containerPath]) => ({
        hostPath,
        containerPath,
        readOnly: !writable.has(containerPath),
      }),
    );
    this.container = new FailmapContainer(this, "container", {
      host: props.host,
      identity: props.identity,
      name: props.name,
      image: image.id,
      networkMode: "host",
      memoryMb: props.memoryMb,
      command: props.command ? [...props.command] : undefined,
      env: Object.entries(props.env ?? {}).map(([k, v]) => `${k}=${v}`),
      volumes,
      healthcheck:
        props.health &&
        httpGetHealthcheck(
          `http://127.0.0.1:${props.health.port}${props.health.path}`,
          props.health.startPeriod,
        ),
      privileged: props.privileged,
      // "rwm" is what the provider sends for a device without permissions, and reads back.
      devices: props.devices?.map((d) => ({ hostPath: d, containerPath: d, permissions: "rwm" })),
      dependsOn: props.dependsOn,
    });
  }
}
