import { Container } from "@cdktf/provider-docker/lib/container";
import { Image } from "@cdktf/provider-docker/lib/image";
import { Fn } from "cdktf";
import { Construct } from "constructs";
import type { Worker } from "../../config/schema";
import type { IFailmapInstance } from "../app/failmap-instance";
import { WORKER_STOP_TIMEOUT_SECONDS } from "../app/workers";
import { HostFiles } from "../host/host-files";
import type { Host } from "../host/host";
import type { TlsKeyPair } from "../tls/key-pair";
import { renderBrokerUrl } from "./broker-url";

const TLS_DIR_ON_HOST = "/etc/failmap/remote-worker/tls";
const TLS_DIR = "/etc/failmap/tls";
/**
 * Workers run as nobody, like on the main server, but by number: the key file must belong to the same uid
 * on the host, which cannot look up names inside the image.
 */
const WORKER_UID = "65534";

export interface RemoteWorkerHostProps {
  readonly host: Host;
  /** The broker endpoint's port on the main server. */
  readonly endpointPort: number;
  /** The workers this host runs, per instance. Scanner roles only: the database stays on the main server. */
  readonly workers: readonly { readonly instance: IFailmapInstance; readonly workers: readonly Worker[] }[];
  /** This host's certificate from the organisation's client CA. */
  readonly clientCertificate: TlsKeyPair;
  /**
   * What to trust for the endpoint when it is not publicly trusted (self-signed mode); see
   * Certificates.trustAnchorFor.
   * @default - the endpoint's certificate is publicly trusted
   */
  readonly serverTrustAnchorPem?: string;
}

/**
 * Celery workers on a host of their own, far from the data: they reach each instance's broker through the
 * broker endpoint (TLS, client certificate, broker password) and get no database settings at all. They
 * use the host's network, so scanners have the host's IPv4 and IPv6 addresses.
 */
export class RemoteWorkerHost extends Construct {
  readonly containers: Container[] = [];

  constructor(scope: Construct, id: string, props: RemoteWorkerHostProps) {
    super(scope, id);
    const { host } = props;
    const needsDatabase = props.workers.flatMap(({ instance, workers }) =>
      workers.filter((w) => !w.scanner).map((w) => `${instance.name}/${w.role}`),
    );
    if (needsDatabase.length > 0) {
      throw new Error(
        `RemoteWorkerHost ${this.node.path}: ${needsDatabase.join(", ")} need the database, which only the ` +
          "main server has; worker hosts run scanner roles only",
      );
    }

    const files = new HostFiles(this, "tls", {
      host,
      dependsOn: [host.ready],
      files: [
        { path: `${TLS_DIR_ON_HOST}/client.crt`, content: props.clientCertificate.certificatePem },
        {
          path: `${TLS_DIR_ON_HOST}/client.key`,
          content: props.clientCertificate.privateKeyPem,
          mode: "0600",
          owner: `${WORKER_UID}:${WORKER_UID}`,
        },
        ...(props.serverTrustAnchorPem
          ? [{ path: `${TLS_DIR_ON_HOST}/server-ca.pem`, content: props.serverTrustAnchorPem }]
          : []),
      ],
    });

    const provider = host.dockerProvider();
    const images = new Map<string, Image>();
    for (const { instance, workers } of props.workers) {
      const image =
        images.get(instance.image) ??
        new Image(this, `image-${images.size + 1}`, {
          provider,
          // Already pinned by digest on the main host (FailmapInstance.image), so workers run the same build.
          name: instance.image,
          keepLocally: true,
          dependsOn: [host.ready],
        });
      images.set(instance.image, image);

      const broker = renderBrokerUrl({
        encodedPassword: Fn.urlencode(instance.broker.password),
        domain: instance.instance.domain,
        port: props.endpointPort,
        clientCertificate: `${TLS_DIR}/client.crt`,
        clientKey: `${TLS_DIR}/client.key`,
        serverCa: props.serverTrustAnchorPem ? `${TLS_DIR}/server-ca.pem` : undefined,
      });
      for (const worker of workers) {
        for (let replica = 1; replica <= worker.replicas; replica++) {
          // Named as on the main server, so host commands and dashboards find workers the same way.
          const name = instance.names.container(`worker-${worker.role}-${replica}`);
          this.containers.push(
            new Container(this, name, {
              provider,
              dependsOn: [files.resource],
              name,
              image: image.imageId,
              networkMode: "host",
              restart: "unless-stopped",
              user: `${WORKER_UID}:${WORKER_UID}`,
              stopTimeout: WORKER_STOP_TIMEOUT_SECONDS,
              command: [
                "celery",
                "worker",
                "--loglevel=info",
                "--pool=eventlet",
                `--concurrency=${worker.concurrency}`,
              ],
              env: [`BROKER=${broker}`, `WORKER_ROLE=${worker.role}`, `HOST_HOSTNAME=${host.fqdn}`],
              volumes: [{ hostPath: TLS_DIR_ON_HOST, containerPath: TLS_DIR, readOnly: true }],
              logOpts: { "max-size": "10m", "max-file": "3" },
            }),
          );
        }
      }
    }
  }
}
