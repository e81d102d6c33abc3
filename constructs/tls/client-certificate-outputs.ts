/*
 * The contract between the stack and `npm run client-cert`: the names of the outputs it reads from
 * `terraform output -json` and the shape of their values.
 */
export const CLIENT_CA_OUTPUT = "client_ca_certificate";
/** Sensitive: the only place where client private keys leave the state. */
export const CLIENT_CERTIFICATES_OUTPUT = "client_certificates";

export type ClientKind = "admin" | "worker";

export interface ClientCertificateOutput {
  readonly kind: ClientKind;
  readonly dn: string;
  readonly certificate_pem: string;
  readonly private_key_pem: string;
}

export type ClientCertificatesOutput = Record<string, ClientCertificateOutput>;
