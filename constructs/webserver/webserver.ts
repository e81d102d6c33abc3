import type { Container } from "@cdktf/provider-docker/lib/container";
import { Construct } from "constructs";
import path from "node:path";
import type { Host } from "../host/host";
import { HostFiles } from "../host/host-files";
import { caCertificateFile, type ClientCertificateIssuer } from "../tls/client-certificate-issuer";
import { keyPairFiles, type TlsKeyPair } from "../tls/key-pair";
import { NGINX_HEALTH_PORT } from "../../config/model/ports";
import { nginxHealthcheck } from "./health-server";
import { WEBSERVER_PATHS } from "./paths";
import { nginxContainer } from "./nginx-container";
import { renderNginxReload } from "./nginx-reload";
import { renderNginxConfig } from "./render-nginx-config";
import type { AdminExtraLocation, MetricsLog, WebserverSite } from "./webserver-config";

export { NGINX_IMAGE } from "./nginx-container";
export const NGINX_CONTAINER_NAME = "failmap-nginx";

/**
 * Shared zones take about 40 MB per instance (cache keys, rate limits, TLS sessions); the rest is buffers
 * of connections being proxied, up to some 64 KB each. Cached pages live on disk, and the kernel reclaims
 * its page cache of them before the limit bites.
 */
const NGINX_MEMORY_MB = 512;

export interface WebserverProps {
  readonly host: Host;
  /** One per Failmap instance on the host. Their app containers publish on 127.0.0.1. */
  readonly sites: readonly WebserverSite[];
  /** For every name of every site (Certificates.certificateFor(host)). */
  readonly certificate: TlsKeyPair;
  /** The organisation's client CA: the admin sites admit the current admin certificates it issued. */
  readonly clientCa: ClientCertificateIssuer;
  /**
   * Host-wide services on every admin site, e.g. `/grafana/`.
   * @default - none
   */
  readonly adminExtraLocations?: readonly AdminExtraLocation[];
  /**
   * A second access log for the monitoring's log exporter; its directory is mounted from the host.
   * @default - no second log
   */
  readonly metricsLog?: MetricsLog;
}

/**
 * The host's one nginx, in front of every instance's frontend and admin. It shares the host's network
 * stack (so it sees real client addresses and reaches the apps on 127.0.0.1), and is the only container
 * that serves ports 80 and 443. Config and certificates are files on the host: a change is tested and
 * reloaded in the running container, never by recreating it, so no connection is dropped.
 */
export class Webserver extends Construct {
  readonly container: Container;
  /** Done when config and certificates are on the host (and, when nginx runs, reloaded). */
  readonly files: HostFiles;

  constructor(scope: Construct, id: string, props: WebserverProps) {
    super(scope, id);
    const { host } = props;
    const nginxConf = `${WEBSERVER_PATHS.config}/nginx.conf`;
    const tls = {
      certificatePath: `${WEBSERVER_PATHS.tls}/fullchain.pem`,
      keyPath: `${WEBSERVER_PATHS.tls}/privkey.pem`,
      caCertificatePath: `${WEBSERVER_PATHS.tls}/client-ca.pem`,
    };

    const rendered = renderNginxConfig({
      sites: props.sites,
      tls: { certificatePath: tls.certificatePath, keyPath: tls.keyPath },
      clientAuth: {
        caCertificatePath: tls.caCertificatePath,
        allowedClientDns: props.clientCa.clientDns("admin"),
      },
      adminExtraLocations: props.adminExtraLocations,
      cacheRoot: WEBSERVER_PATHS.cache,
      configDir: WEBSERVER_PATHS.config,
      listen: { http: 80, https: 443, addresses: host.ipv6Address ? ["*", "[::]"] : ["*"] },
      metricsLog: props.metricsLog,
      healthPort: NGINX_HEALTH_PORT,
    });
    const logDir = props.metricsLog && path.posix.dirname(props.metricsLog.file);

    this.files = new HostFiles(this, "files", {
      host,
      files: [
        ...Object.entries(rendered).map(([name, content]) => ({
          path: `${WEBSERVER_PATHS.config}/${name}`,
          content,
        })),
        ...keyPairFiles(props.certificate, { certificate: tls.certificatePath, key: tls.keyPath }),
        caCertificateFile(props.clientCa, tls.caCertificatePath),
      ],
      then: [renderNginxReload(NGINX_CONTAINER_NAME, nginxConf)],
      dependsOn: [host.ready],
    });

    this.container = nginxContainer(this, {
      host,
      identity: { role: "nginx" },
      name: NGINX_CONTAINER_NAME,
      configFile: nginxConf,
      mustRun: true,
      memoryMb: NGINX_MEMORY_MB,
      healthcheck: nginxHealthcheck(NGINX_HEALTH_PORT),
      // Access logs of every site: more than an app writes.
      logRotation: { maxSizeMb: 50, files: 5 },
      volumes: [
        { hostPath: WEBSERVER_PATHS.config, containerPath: WEBSERVER_PATHS.config, readOnly: true },
        { hostPath: WEBSERVER_PATHS.tls, containerPath: WEBSERVER_PATHS.tls, readOnly: true },
        { hostPath: WEBSERVER_PATHS.cache, containerPath: WEBSERVER_PATHS.cache },
        ...(logDir ? [{ hostPath: logDir, containerPath: logDir }] : []),
      ],
      dependsOn: [this.files.resource],
    });

    for (const port of [80, 443]) {
      host.allowInbound({
        description: port === 80 ? "HTTP (redirects to HTTPS)" : "HTTPS (nginx)",
        protocol: "tcp",
        port,
        sources: ["0.0.0.0/0", "::/0"],
      });
    }
  }
}
