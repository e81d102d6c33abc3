import type { HostFile } from "../host/host-files";
import type { ClientKind } from "./client-certificate-outputs";

/**
 * A private CA as a server that admits its clients sees it: the CA certificate that verifies their
 * certificates, and the subjects of the current ones, since revocation is by allow-list.
 */
export interface ClientCertificateIssuer {
  /** The CA certificate, as a Terraform token. */
  readonly caCertificatePem: string;
  /** The subjects of the current certificates of one kind, exactly as renderClientDn writes them. */
  clientDns(kind: ClientKind): readonly string[];
}

/** The CA certificate as a file on a host, for a server that verifies client certificates with it. */
export function caCertificateFile(issuer: ClientCertificateIssuer, path: string): HostFile {
  return { path, content: issuer.caCertificatePem };
}
