import type { ContainerHealthcheck } from "@cdktf/provider-docker/lib/container";
import { httpGetHealthcheck } from "../app/healthchecks";
import { block, type Lines } from "./nginx-syntax";

/** Where nginx answers its own healthcheck: on loopback only, outside the sites and their logs. */
export const HEALTH_PATH = "/health";

/**
 * A server on 127.0.0.1:`port` that answers HEALTH_PATH with 200: the answer comes from a worker process
 * that has the current configuration loaded, which a mere open port does not show. Not logged, so the
 * access logs and the metrics count only visitors.
 */
export function healthServer(port: number): Lines {
  return block("server", [
    `listen 127.0.0.1:${port};`,
    "access_log off;",
    ...block(`location = ${HEALTH_PATH}`, ['return 200 "ok\\n";']),
    ...block("location /", ["return 404;"]),
  ]);
}

/** The container's healthcheck against healthServer; nginx starts in a moment. */
export function nginxHealthcheck(port: number): ContainerHealthcheck {
  return httpGetHealthcheck(`http://127.0.0.1:${port}${HEALTH_PATH}`, "10s");
}
