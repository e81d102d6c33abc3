import type { HostFile } from "../host/host-files";

/** A certificate with its key, as Terraform tokens. The key stays in the encrypted state and on hosts. */
export interface TlsKeyPair {
  /** Leaf first, then the intermediates: what nginx's ssl_certificate expects. */
  readonly certificatePem: string;
  readonly privateKeyPem: string;
}

/** Where a key pair goes on a host. */
export interface KeyPairPaths {
  readonly certificate: string;
  readonly key: string;
}

/** The pair as files on a host: the certificate readable by all, the key by root alone. */
export function keyPairFiles(pair: TlsKeyPair, paths: KeyPairPaths): HostFile[] {
  return [
    { path: paths.certificate, content: pair.certificatePem },
    { path: paths.key, content: pair.privateKeyPem, mode: "0600" },
  ];
}
