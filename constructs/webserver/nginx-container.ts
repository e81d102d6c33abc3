import type { Container } from "@cdktf/provider-docker/lib/container";
import type { Construct } from "constructs";
import { FailmapContainer, type FailmapContainerProps } from "../app/failmap-container";
import { PinnedImage } from "../host/pinned-image";

/**
 * The current stable branch of nginx (even minor versions are stable), on Alpine for a small image with
 * few packages to patch. Debian bookworm's nginx 1.22, which the system tests run, is older: the rendered
 * configs stick to syntax both accept.
 */
export const NGINX_IMAGE = "nginx:1.28-alpine";

/** What the shape fixes: the image, how nginx is started, its network and how it stops. */
type NginxShape = "image" | "entrypoint" | "command" | "networkMode" | "stopSignal";

export interface NginxContainerProps extends Omit<FailmapContainerProps, NginxShape> {
  /** nginx.conf as the container sees it; its directory is one of `volumes`. */
  readonly configFile: string;
}

/**
 * nginx from NGINX_IMAGE running one config file of the stack's own, on the host's network: the webserver
 * and the broker endpoint. nginx itself is the entrypoint, not the image's scripts, which edit a default
 * config this one never reads and differ between images (a stand-in's entrypoint took `nginx` for an
 * option). Adds the children `image` and `container` to `scope`.
 */
export function nginxContainer(scope: Construct, props: NginxContainerProps): Container {
  const { configFile, ...container } = props;
  const image = new PinnedImage(scope, "image", { host: props.host, reference: NGINX_IMAGE });
  return new FailmapContainer(scope, "container", {
    ...container,
    image: image.id,
    networkMode: "host",
    entrypoint: ["nginx"],
    command: ["-c", configFile, "-g", "daemon off;"],
    // SIGQUIT lets workers finish their requests.
    stopSignal: "SIGQUIT",
  });
}
