import type { Container } from "@cdktf/provider-docker/lib/container";
import { Image } from "@cdktf/provider-docker/lib/image";
import { Fn } from "cdktf";
import { Construct } from "constructs";
import type { IFailmapInstance } from "../app/failmap-instance";
import { WORKER_USER, Workers, type WorkerHostSite } from "../app/workers";
import { HostFiles } from "../host/host-files";
import type { Host } from "../host/host";
import { replacedWithMachine } from "../host/machine-lifecycle";
import { manageCommand, parseImageRef } from "../host/image-ref";
import type { TlsKeyPair } from "../tls/key-pair";
import { renderBrokerUrl } from "./broker-url";

const TLS_DIR_ON_HOST = "/etc/failmap/remote-worker/tls";
const TLS_DIR = "/etc/failmap/tls";

export interface RemoteWorkerHostProps {
  readonly host: Host;
  /** The host's name in the organisation model: the workers placed on it are the ones it runs. */
  readonly name: string;
  /** The broker endpoint's port on the main server. */
  readonly endpointPort: number;
  /** Every instance of the organisation; each runs the workers its model places on this host. */
  readonly instances: readonly IFailmapInstance[];
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
 * Celery workers on a host of their own, far from the data: the same Workers as on the main server, placed
 * here by the organisation model. They reach each instance's broker through the broker endpoint (TLS, client
 * certificate, broker password) and get no database settings at all. They use the host's network, so
 * scanners have the host's IPv4 and IPv6 addresses.
 */
export class RemoteWorkerHost extends Construct {
  readonly containers: Container[] = [];

  constructor(scope: Construct, id: string, props: RemoteWorkerHostProps) {
    super(scope, id);
    const { host } = props;
    const files = new HostFiles(this, "tls", {
      host,
      dependsOn: [host.ready],
      files: [
        { path: `${TLS_DIR_ON_HOST}/client.crt`, content: props.clientCertificate.certificatePem },
        {
          path: `${TLS_DIR_ON_HOST}/client.key`,
          content: props.clientCertificate.privateKeyPem,
          mode: "0600",
          // Readable by the workers only: they run as this uid.
          owner: WORKER_USER,
        },
        ...(props.serverTrustAnchorPem
          ? [{ path: `${TLS_DIR_ON_HOST}/server-ca.pem`, content: props.serverTrustAnchorPem }]
          : []),
      ],
    });

    const site: WorkerHostSite = {
      kind: "worker-host",
      host: props.name,
      clientCertificates: { hostPath: TLS_DIR_ON_HOST, containerPath: TLS_DIR },
    };
    const placedHere = props.instances.filter((i) =>
      i.model.workers.some((w) => w.placement.kind === "worker-host" && w.placement.host === props.name),
    );
    const images = new Map<string, Image>();
    for (const instance of placedHere) {
      const image =
        images.get(instance.image) ??
        // Named after the first instance that runs it, never a position, so removing one keeps the others.
        new Image(this, `image-${instance.name}`, {
          provider: host.dockerProvider(),
          // Already pinned by digest on the main host (FailmapInstance.image), so workers run the same build.
          name: instance.image,
          keepLocally: true,
          dependsOn: [host.ready],
          lifecycle: replacedWithMachine(host),
        });
      images.set(instance.image, image);

      const workers = new Workers(this, instance.name, {
        host,
        instance: instance.model,
        site,
        env: {
          instance: instance.instance,
          brokerUrl: renderBrokerUrl({
            encodedPassword: Fn.urlencode(instance.broker.password),
            domain: instance.instance.domain,
            port: props.endpointPort,
            clientCertificate: `${TLS_DIR}/client.crt`,
            clientKey: `${TLS_DIR}/client.key`,
            serverCa: props.serverTrustAnchorPem ? `${TLS_DIR}/server-ca.pem` : undefined,
          }),
        },
        // The repository as the file names it: the pinned reference's digest is not known until plan.
        image: { id: image.imageId, manageCommand: manageCommand(parseImageRef(instance.instance.image)) },
        dependsOn: [files.resource],
      });
      this.containers.push(...workers.containers);
    }
  }
}
