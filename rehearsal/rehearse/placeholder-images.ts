import { MONITORING_IMAGES, type MonitoringImages } from "../../constructs/monitoring/images";
import { PORTS } from "../../config/model/ports";
import type { ImageRecipe } from "../images/images";

/*
 * Placeholders for the images the stack pulls that Debian has no package for (rehearsal/images NOT_IN_DEBIAN):
 * cadvisor, the nginx log exporter and Grafana. Without something under their names the plan stops at their
 * registry lookups, and a whole organisation with monitoring could not be rehearsed. A placeholder is BusyBox's
 * httpd on the program's loopback port, answering only the path the stack's healthcheck asks for; it serves
 * no metrics and no dashboards, so Prometheus sees these targets down and the end-to-end test reports them as
 * absent. docs/rehearsal.md lists them as placeholders.
 */

/** The path each healthcheck asks (constructs/monitoring), answered with "placeholder". */
const PLACEHOLDERS: readonly { image: keyof MonitoringImages; port: number; healthPath?: string }[] = [
  { image: "cadvisor", port: PORTS.cadvisor, healthPath: "/healthz" },
  { image: "nginxLogExporter", port: PORTS.nginxLogExporter },
  { image: "grafana", port: PORTS.grafana, healthPath: "/grafana/api/health" },
];

const ENTRYPOINT = `#!/bin/sh
# failmap rehearsal placeholder (rehearsal/rehearse/placeholder-images.ts): no Debian package has this program.
# It answers its healthcheck on the loopback port, and nothing else; the stack's arguments are ignored.
exec busybox httpd -f -p "127.0.0.1:$PLACEHOLDER_PORT" -h /srv/placeholder
`;

/** The loopback ports the placeholders stand on: their Prometheus targets are down by design. */
export const PLACEHOLDER_PORTS: readonly number[] = PLACEHOLDERS.map((p) => p.port);

export function placeholderImages(): ImageRecipe[] {
  return PLACEHOLDERS.map(({ image, port, healthPath }) => ({
    reference: MONITORING_IMAGES[image],
    packages: ["busybox"],
    config: {
      entrypoint: ["/usr/local/bin/placeholder"],
      env: [`PLACEHOLDER_PORT=${port}`],
      user: "65534:65534",
      workingDir: "/",
    },
    tree: {
      // The healthchecks run `wget`, which the upstream images have from BusyBox.
      commands: [["ln", "-sf", "/bin/busybox", "/usr/local/bin/wget"]],
      files: {
        "/usr/local/bin/placeholder": { content: ENTRYPOINT, mode: 0o755 },
        ...(healthPath
          ? { [`/srv/placeholder${healthPath}`]: { content: "placeholder\n", mode: 0o644 } }
          : {}),
        "/srv/placeholder/index.html": { content: "failmap rehearsal placeholder\n", mode: 0o644 },
      },
    },
  }));
}
