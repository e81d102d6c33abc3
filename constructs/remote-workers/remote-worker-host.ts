import { Container } from "@cdktf/provider-docker/lib/container";
import { Image } from "@cdktf/provider-docker/lib/image";
import { Fn, type ITerraformDependable } from "cdktf";
import { Construct } from "constructs";
import type { Organisation, Worker } from "../../config/schema";
import { instanceNames } from "../app/names";
import { WORKER_STOP_TIMEOUT_SECONDS } from "../app/workers";
import { HostFiles } from "../host/host-files";
import type { Host } from "../host/host";
import type { TlsKeyPair } from "../tls/key-pair";
import { renderBrokerUrl } from "./broker-url";
import { mirroredReference, registryMirrorOf } from "../host/registry-mirror";

const TLS_DIR_ON_HOST = "/etc/failmap/remote-worker/tls";
const TLS_DIR = "/etc/failmap/tls";
/**
 * Workers run as nobody, like on the main server, but by number: the key file must belong to the same uid
 * on the host, which cannot look up names inside the image.
 */
const WORKER_UID = "65534";

export interface RemoteWorkerHostProps {
  readonly host: Host;
  readonly organisation: Pick<Organisation, "instances" | "remoteWorkers">;
  /** Worker roles per instance name, e.g. remoteWorkers.hosts.<group>.roles. Scanner roles only. */
  readonly roles: Readonly<Record<string, readonly Worker[]>>;
  /** Docker is installed and running on the host. */
  readonly bootstrapDone: ITerraformDependable;
  /** This host's certificate from the organisation's client CA. */
  readonly clientCertificate: TlsKeyPair;
  /** What to trust for the endpoint when it is not publicly trusted (self-signed mode); see Certificates.trustAnchorFor. */
  readonly serverTrustAnchorPem?: string;
  /** Each instance's broker password (tokens). */
  readonly brokerPasswords: Readonly<Record<string, string>>;
  /** Image per instance; default: the instance's image from the organisation file. */
  readonly images?: Readonly<Record<string, string>>;
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
    const { host, organisation } = props;
    const endpoint = organisation.remoteWorkers;
    if (!endpoint) {
      throw new Error(`RemoteWorkerHost ${this.node.path}: the organisation has no remoteWorkers section`);
    }
    this.validate(props);

    const files = new HostFiles(this, "tls", {
      host,
      dependsOn: [props.bootstrapDone],
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
    for (const [instance, workers] of Object.entries(props.roles)) {
      const reference =
        props.images?.[instance] ??
        mirroredReference(organisation.instances[instance].image, registryMirrorOf(this));
      const image =
        images.get(reference) ??
        new Image(this, `image-${images.size + 1}`, {
          provider,
          // Already pinned by digest on the main host (FailmapInstance.image), so workers run the same build.
          name: reference,
          keepLocally: true,
          dependsOn: [props.bootstrapDone],
        });
      images.set(reference, image);

      const broker = renderBrokerUrl({
        encodedPassword: Fn.urlencode(props.brokerPasswords[instance]),
        domain: organisation.instances[instance].domain,
        port: endpoint.port,
        clientCertificate: `${TLS_DIR}/client.crt`,
        clientKey: `${TLS_DIR}/client.key`,
        serverCa: props.serverTrustAnchorPem ? `${TLS_DIR}/server-ca.pem` : undefined,
      });
      for (const worker of workers) {
        for (let replica = 1; replica <= worker.replicas; replica++) {
          // Named as on the main server, so host commands and dashboards find workers the same way.
          const name = instanceNames(instance).container(`worker-${worker.role}-${replica}`);
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

  private validate(props: RemoteWorkerHostProps): void {
    const where = `RemoteWorkerHost ${this.node.path}`;
    for (const [instance, workers] of Object.entries(props.roles)) {
      if (!(instance in props.organisation.instances)) {
        throw new Error(`${where}: instance '${instance}' is not in instances`);
      }
      if (props.brokerPasswords[instance] === undefined) {
        throw new Error(`${where}: no broker password for instance '${instance}'`);
      }
      const needsDatabase = workers.filter((w) => !w.scanner).map((w) => w.role);
      if (needsDatabase.length > 0) {
        throw new Error(
          `${where}: role(s) ${needsDatabase.join(", ")} of '${instance}' need the database, which only the main ` +
            "server has; remote worker hosts run scanner roles only (v4_internet, v6_internet, all_internet, " +
            "any_internet, qualys)",
        );
      }
    }
  }
}
