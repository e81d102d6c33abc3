/** The subject of a client certificate issued by the organisation's private CA. */
export interface ClientSubject {
  readonly commonName: string;
  readonly organisation: string;
  /** Random per certificate (hex from random_id): re-issuing a name makes a new DN, so revocation sticks. */
  readonly serialNumber: string;
}

/**
 * The subject exactly as nginx prints `$ssl_client_s_dn` (OpenSSL's RFC 2253 form): the RDNs in reverse
 * order of the certificate, joined by commas without spaces. The tls provider (Go's crypto/x509) writes
 * O, then CN, then serialNumber, so nginx prints `serialNumber=...,CN=...,O=...`.
 * Values may be Terraform tokens; those hold no characters that RFC 2253 escapes, so they pass unchanged.
 */
export function renderClientDn(subject: ClientSubject): string {
  return [
    `serialNumber=${escapeValue(subject.serialNumber)}`,
    `CN=${escapeValue(subject.commonName)}`,
    `O=${escapeValue(subject.organisation)}`,
  ].join(",");
}

function escapeValue(value: string): string {
  if (/[^\x20-\x7e]/.test(value)) {
    throw new Error(
      `'${value}' has characters outside printable ASCII; use plain names in client certificates`,
    );
  }
  return value
    .replace(/[\\,+"<>;]/g, (c) => `\\${c}`)
    .replace(/^[ #]/, (c) => `\\${c}`)
    .replace(/ $/, "\\ ");
}
