import { Container, type ContainerVolumes } from "@cdktf/provider-docker/lib/container";
import type { ITerraformDependable } from "cdktf";
import { Construct } from "constructs";
import type { Host } from "../host/host";
import { PinnedImage } from "../host/pinned-image";

export interface HostNetworkContainerProps {
  readonly host: Host;
  /** The container name, failmap-<something>. */
  readonly name: string;
  readonly image: string;
  readonly command?: readonly string[];
  readonly env?: Readonly<Record<string, string>>;
  /** host path → container path, read-only unless the container path is in `writable`. */
  readonly mounts?: Readonly<Record<string, string>>;
  readonly writable?: readonly string[];
  readonly privileged?: boolean;
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
    const provider = props.host.dockerProvider();
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
    this.container = new Container(this, "container", {
      provider,
      name: props.name,
      image: image.id,
      networkMode: "host",
      restart: "unless-stopped",
      command: props.command ? [...props.command] : undefined,
      env: Object.entries(props.env ?? {}).map(([k, v]) => `${k}=${v}`),
      volumes,
      privileged: props.privileged,
      devices: props.devices?.map((d) => ({ hostPath: d, containerPath: d })),
      dependsOn: [props.host.ready, ...(props.dependsOn ?? [])],
    });
  }
}
