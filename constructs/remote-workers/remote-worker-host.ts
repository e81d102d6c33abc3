import { Fn } from "cdktf";
import { Construct } from "constructs";
import { HOST_CONFIG_DIR, SERVICE_FOLDERS } from "../../config/model/host-paths";
import type { IFailmapInstance } from "../app/failmap-instance";
import { WORKER_USER, workerContainers, type WorkerHostSite } from "../app/workers";
import { HostFiles } from "../host/host-files";
import type { Host } from "../host/host";
import { manageCommand, parseImageRef } from "../host/image-ref";
import type { TlsKeyPair } from "../tls/key-pair";
import { renderBrokerUrl } from "./broker-url";
import {
  renderEnvFile,
  renderWorkerContainersScript,
  type WorkerHostContainer,
} from "./render-worker-containers";

const TLS_DIR_ON_HOST = `${HOST_CONFIG_DIR}/${SERVICE_FOLDERS.remoteWorker}/tls`;
const TLS_DIR = `${HOST_CONFIG_DIR}/${SERVICE_FOLDERS.tls}`;
const ENV_DIR = `${HOST_CONFIG_DIR}/workers/env`;
const CONTAINERS_SCRIPT = `${HOST_CONFIG_DIR}/workers/containers.sh`;

export interface RemoteWorkerHostProps {
  readonly host: Host;
  /** The host's name in the organisation model: the workers placed on it are the ones it runs. */
  readonly name: string;
  /** The organisation's name: the containers' failmap.organisation label. */
  readonly organisation: string;
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
 * Celery workers on a host of their own, far from the data: the same worker containers as on the main server
 * (workerContainers), placed here by the organisation model. They reach each instance's broker through the
 * broker endpoint (TLS, client certificate, broker password) and get no database settings at all. They use
 * the host's network, so scanners have the host's IPv4 and IPv6 addresses.
 *
 * No docker provider is bound to a worker host: a script run over SSH (HostFiles) keeps its containers as
 * docker runs them. A provider configuration per host would disappear from the configuration with the host
 * while its containers were still in state, and Terraform cannot plan that ("Provider configuration not
 * present"), so no host could be removed by editing the organisation file. Now the host's resources are its
 * server's (hcloud), its files' (null) and its certificate's (tls), whose providers stay; the containers go
 * with the server.
 */
export class RemoteWorkerHost extends Construct {
  /** The worker containers it runs, by the script that HostFiles puts on the host. */
  readonly containers: readonly WorkerHostContainer[];

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
    this.containers = props.instances.flatMap((instance) =>
      workerContainers({
        instance: instance.model,
        site,
        hostFqdn: host.fqdn,
        env: {
          instance: instance.model,
          brokerUrl: renderBrokerUrl({
            encodedPassword: Fn.urlencode(instance.broker.password),
            domain: instance.instance.domain,
            port: props.endpointPort,
            clientCertificate: `${TLS_DIR}/client.crt`,
            clientKey: `${TLS_DIR}/client.key`,
            serverCa: props.serverTrustAnchorPem ? `${TLS_DIR}/server-ca.pem` : undefined,
          }),
        },
        // Pinned by digest on the main host (FailmapInstance.image), so workers run the same build.
        image: { id: instance.image, manageCommand: manageCommand(parseImageRef(instance.instance.image)) },
      }).map((spec) => ({ name: instance.names.container(spec.role), instance: instance.name, spec })),
    );
    // Also with no container placed here: the script removes those placed here before.
    new HostFiles(this, "containers", {
      host,
      dependsOn: [files.resource],
      files: [
        ...this.containers.map((c) => ({
          path: `${ENV_DIR}/${c.name}`,
          content: renderEnvFile(c.spec.env),
          // The broker password is in it.
          mode: "0600",
        })),
        {
          path: CONTAINERS_SCRIPT,
          content: renderWorkerContainersScript({
            organisation: props.organisation,
            envDir: ENV_DIR,
            containers: this.containers,
          }),
          mode: "0700",
        },
      ],
      then: [CONTAINERS_SCRIPT],
    });
  }
}
