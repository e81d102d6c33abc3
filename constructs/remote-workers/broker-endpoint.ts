import type { Container, ContainerHealthcheck } from "@cdktf/provider-docker/lib/container";
import { Construct } from "constructs";
import { HOST_CONFIG_DIR, SERVICE_FOLDERS } from "../../config/model/host-paths";
import { HostFiles } from "../host/host-files";
import { hostNetworks, type Host } from "../host/host";
import { nginxContainer } from "../webserver/nginx-container";
import { renderNginxReload } from "../webserver/nginx-reload";
import { caCertificateFile, type ClientCertificateIssuer } from "../tls/client-certificate-issuer";
import { keyPairFiles, type TlsKeyPair } from "../tls/key-pair";
import { renderBrokerStreamConfig, type BrokerRoute } from "./render-broker-stream";

export const BROKER_ENDPOINT_CONTAINER = "failmap-broker-endpoint";
const CONFIG_DIR = `${HOST_CONFIG_DIR}/${SERVICE_FOLDERS.brokerEndpoint}`;
const CONFIG_FILE = `${CONFIG_DIR}/nginx.conf`;
const TLS_FILES = {
  certificate: `${CONFIG_DIR}/server.crt`,
  key: `${CONFIG_DIR}/server.key`,
  clientCa: `${CONFIG_DIR}/client-ca.pem`,
};
/**
 * nginx stream: per connection two 16 KB proxy buffers and a TLS session, some 50 KB; a worker takes up to
 * 1024 connections, far more than an organisation has remote workers.
 */
const MEMORY_MB = 128;

/**
 * Docker runs a healthcheck only in a running container, and nginx is this one's PID 1: an answer at all says
 * nginx runs, and `nginx -t` that the files it reloads from are valid. With a healthcheck the apply waits for
 * the container to be healthy, so a crash loop fails it instead of passing as success. The stream server
 * itself answers only a client with a worker certificate, which the container does not have.
 */
const HEALTHCHECK: ContainerHealthcheck = {
  test: ["CMD", "nginx", "-t", "-q", "-c", CONFIG_FILE],
  interval: "30s",
  timeout: "10s",
  retries: 3,
  startPeriod: "10s",
};

export interface BrokerEndpointProps {
  readonly host: Host;
  readonly port: number;
  /** CIDR networks allowed through the cloud firewall: remoteWorkers.allowedNetworks. */
  readonly sources: readonly string[];
  /** The host's server certificate; it covers every instance domain that workers connect to. */
  readonly certificate: TlsKeyPair;
  /** The organisation's client CA: only the current worker certificates it issued get through. */
  readonly clientCa: ClientCertificateIssuer;
  readonly brokers: readonly BrokerRoute[];
  /** Managed worker hosts, let in by their addresses. */
  readonly workerHosts: readonly Host[];
}

/**
 * The public door to the brokers for remote workers: nginx `stream` on the host network, TLS with a
 * required client certificate, routed by SNI to each instance's broker on 127.0.0.1. The cloud firewall
 * opens the port only to the configured networks. Configuration and certificate changes reload nginx
 * in place; the container is only replaced when its image changes.
 */
export class BrokerEndpoint extends Construct {
  readonly container: Container;

  constructor(scope: Construct, id: string, props: BrokerEndpointProps) {
    super(scope, id);
    const { host, port } = props;
    host.allowInbound({
      description: "Remote workers to the broker endpoint",
      protocol: "tcp",
      port,
      sources: [...props.sources, ...props.workerHosts.flatMap(hostNetworks)],
    });

    const nginxConf = renderBrokerStreamConfig({
      listen: host.ipv6Address === undefined ? [`${port}`] : [`${port}`, `[::]:${port}`],
      files: { ...TLS_FILES, pid: "/var/run/nginx.pid" },
      allowedClientDns: props.clientCa.clientDns("worker"),
      routes: props.brokers,
    });
    const files = new HostFiles(this, "files", {
      host,
      dependsOn: [host.ready],
      files: [
        { path: CONFIG_FILE, content: nginxConf },
        ...keyPairFiles(props.certificate, { certificate: TLS_FILES.certificate, key: TLS_FILES.key }),
        caCertificateFile(props.clientCa, TLS_FILES.clientCa),
      ],
      then: [renderNginxReload(BROKER_ENDPOINT_CONTAINER, CONFIG_FILE)],
    });

    this.container = nginxContainer(this, {
      host,
      identity: { role: "broker-endpoint" },
      dependsOn: [files.resource],
      name: BROKER_ENDPOINT_CONTAINER,
      configFile: CONFIG_FILE,
      memoryMb: MEMORY_MB,
      healthcheck: HEALTHCHECK,
      volumes: [{ hostPath: CONFIG_DIR, containerPath: CONFIG_DIR, readOnly: true }],
    });
  }
}
