import { TerraformOutput } from "cdktf";
import { Construct } from "constructs";
import type { WorkerHostModel } from "../../config/model/organisation-model";
import type { RemoteWorkersConfig } from "../../config/schema";
import type { IFailmapInstance } from "../app/failmap-instance";
import type { Host } from "../host/host";
import type { ClientCertificateAuthority } from "../tls/client-certificate-authority";
import type { TlsKeyPair } from "../tls/key-pair";
import { BrokerEndpoint } from "./broker-endpoint";
import { RemoteWorkerHost } from "./remote-worker-host";

/** A managed worker host: the server, and what the organisation model says it runs. */
export interface WorkerHost {
  readonly host: Host;
  readonly model: WorkerHostModel;
}

export interface RemoteWorkersProps {
  /** The organisation's name, for the containers' labels. */
  readonly organisation: string;
  /**
   * The organisation file's remoteWorkers section.
   * @default - no remote workers: nothing is created and the port stays closed
   */
  readonly config?: RemoteWorkersConfig;
  /** The server that runs the brokers. */
  readonly main: Host;
  /** The main server's certificate, and what workers must trust for it (self-signed mode). */
  readonly serverCertificate: TlsKeyPair;
  /** @default - the certificate is publicly trusted */
  readonly serverTrustAnchorPem?: string;
  readonly clientCa: ClientCertificateAuthority;
  /** Every instance on the main server: the endpoint routes to their brokers. */
  readonly instances: readonly IFailmapInstance[];
  /** @default - none */
  readonly workerHosts?: readonly WorkerHost[];
}

/**
 * Remote workers, when the organisation file has a remoteWorkers section: the broker endpoint on the main
 * server and the workers on each managed worker host.
 */
export class RemoteWorkers extends Construct {
  constructor(scope: Construct, id: string, props: RemoteWorkersProps) {
    super(scope, id);
    const config = props.config;
    if (!config) return;
    const workerHosts = props.workerHosts ?? [];

    new BrokerEndpoint(this, "endpoint", {
      host: props.main,
      port: config.port,
      sources: config.allowedNetworks,
      // Managed worker hosts get in without their (not yet known) addresses in the organisation file.
      workerHosts: workerHosts.map((w) => w.host),
      certificate: props.serverCertificate,
      clientCa: props.clientCa,
      brokers: props.instances.map((i) => ({
        instance: i.name,
        domain: i.instance.domain,
        address: i.broker.address,
      })),
    });
    // Unmanaged workers (remoteWorkers.clients) need their instance's broker password; operators read it
    // with `terraform output -json broker_passwords` in the stack's directory (docs/remote-workers.md).
    new TerraformOutput(this, "broker_passwords", {
      staticId: true,
      value: Object.fromEntries(props.instances.map((i) => [i.name, i.broker.password])),
      sensitive: true,
      description: "Each instance's broker password, for remote workers outside this stack",
    });
    for (const { host, model } of workerHosts) {
      new RemoteWorkerHost(this, model.name, {
        host,
        name: model.name,
        organisation: props.organisation,
        endpointPort: config.port,
        instances: props.instances,
        clientCertificate: props.clientCa.certificateFor(model.name),
        serverTrustAnchorPem: props.serverTrustAnchorPem,
      });
    }
  }
}
