import { TerraformOutput, type ITerraformDependable } from "cdktf";
import { Construct } from "constructs";
import type { Organisation } from "../../config/schema";
import type { Host } from "../host/host";
import type { ClientCertificateAuthority } from "../tls/client-certificate-authority";
import type { TlsKeyPair } from "../tls/key-pair";
import { BrokerEndpoint } from "./broker-endpoint";
import { RemoteWorkerHost } from "./remote-worker-host";
import type { BrokerRoute } from "./render-broker-stream";
import { workerHostPlans } from "./worker-host-names";

export interface WorkerHost {
  readonly host: Host;
  readonly bootstrapDone: ITerraformDependable;
}

export interface RemoteWorkersProps {
  readonly organisation: Organisation;
  /** The server that runs the brokers. */
  readonly main: WorkerHost;
  /** The main server's certificate, and what workers must trust for it (self-signed mode). */
  readonly serverCertificate: TlsKeyPair;
  readonly serverTrustAnchorPem?: string;
  readonly clientCa: ClientCertificateAuthority;
  /** Every instance's broker on the main server. */
  readonly brokers: readonly BrokerRoute[];
  readonly brokerPasswords: Readonly<Record<string, string>>;
  /** Image per instance (FailmapInstance.image, pinned by digest); default: the organisation file's image. */
  readonly images?: Readonly<Record<string, string>>;
  /** The managed worker hosts, named as workerHostPlans() names them. */
  readonly workerHosts: readonly WorkerHost[];
}

/**
 * Remote workers, when the organisation file has a remoteWorkers section: the broker endpoint on the main
 * server and the workers on each managed worker host. Without that section nothing exists and the port
 * stays closed.
 */
export class RemoteWorkers extends Construct {
  constructor(scope: Construct, id: string, props: RemoteWorkersProps) {
    super(scope, id);
    const config = props.organisation.remoteWorkers;
    const plans = workerHostPlans(config);
    const hostsByName = new Map(props.workerHosts.map((w) => [w.host.name, w]));
    const missing = plans.filter((p) => !hostsByName.has(p.name)).map((p) => p.name);
    if (missing.length > 0 || hostsByName.size !== plans.length) {
      throw new Error(
        `RemoteWorkers ${this.node.path}: worker hosts [${[...hostsByName.keys()].join(", ")}] do not match ` +
          `remoteWorkers.hosts [${plans.map((p) => p.name).join(", ")}]; create one host per workerHostPlans() entry`,
      );
    }
    if (!config) return;

    new BrokerEndpoint(this, "endpoint", {
      host: props.main.host,
      port: config.port,
      // Managed worker hosts get in without their (not yet known) addresses in the organisation file.
      sources: [...config.allowedNetworks, ...props.workerHosts.flatMap(({ host }) => hostNetworks(host))],
      certificate: props.serverCertificate,
      clientCaPem: props.clientCa.caCertificatePem,
      allowedClientDns: props.clientCa.workerClientDns,
      brokers: props.brokers,
      bootstrapDone: props.main.bootstrapDone,
    });
    // Unmanaged workers (remoteWorkers.clients) need their instance's broker password; operators read it
    // with `terraform output -json broker_passwords` in the stack's directory (docs/remote-workers.md).
    new TerraformOutput(this, "broker_passwords", {
      staticId: true,
      value: props.brokerPasswords,
      sensitive: true,
      description: "Each instance's broker password, for remote workers outside this stack",
    });
    for (const plan of plans) {
      const worker = hostsByName.get(plan.name)!;
      new RemoteWorkerHost(this, plan.name, {
        host: worker.host,
        organisation: props.organisation,
        roles: plan.spec.roles,
        bootstrapDone: worker.bootstrapDone,
        clientCertificate: props.clientCa.certificateFor(plan.name),
        serverTrustAnchorPem: props.serverTrustAnchorPem,
        brokerPasswords: props.brokerPasswords,
        images: props.images,
      });
    }
  }
}

function hostNetworks(host: Host): string[] {
  return [
    ...(host.ipv4Address ? [`${host.ipv4Address}/32`] : []),
    ...(host.ipv6Address ? [`${host.ipv6Address}/128`] : []),
  ];
}
