/** A certificate with its key, as Terraform tokens. The key stays in the encrypted state and on hosts. */
export interface TlsKeyPair {
  /** Leaf first, then the intermediates: what nginx's ssl_certificate expects. */
  readonly certificatePem: string;
  readonly privateKeyPem: string;
}
