export interface BrokerUrlParts {
  /** Already percent-encoded (Fn.urlencode for a token). */
  readonly encodedPassword: string;
  /** The instance domain: SNI picks the broker, and the server certificate must name it. */
  readonly domain: string;
  readonly port: number;
  /** Paths inside the worker container. */
  readonly clientCertificate: string;
  readonly clientKey: string;
  /**
   * A CA file to verify the endpoint with (self-signed mode).
   * @default - the system trust store (a publicly trusted certificate)
   */
  readonly serverCa?: string;
}

/**
 * Celery's BROKER for a remote worker: redis over TLS, presenting the worker's client certificate. Every
 * client that reads it takes the query as it is: kombu (the broker), Celery's redis result backend and
 * redis-py's own from_url, which accepts `ssl_cert_reqs` only as `required` (Celery's documented spelling;
 * `CERT_REQUIRED` is a legacy one that redis-py refuses). redis-py checks no host name unless asked to, and
 * its context trusts the system store besides `ssl_ca_certs`: without `ssl_check_hostname` any publicly
 * trusted certificate, for any name, would pass as the endpoint. Paths are percent-encoded, as Celery asks.
 */
export function renderBrokerUrl(parts: BrokerUrlParts): string {
  const query: [string, string][] = [
    ["ssl_cert_reqs", "required"],
    ["ssl_check_hostname", "true"],
    ...(parts.serverCa ? [["ssl_ca_certs", parts.serverCa] as [string, string]] : []),
    ["ssl_certfile", parts.clientCertificate],
    ["ssl_keyfile", parts.clientKey],
  ];
  const encoded = query.map(([key, value]) => `${key}=${encodeURIComponent(value)}`).join("&");
  return `rediss://:${parts.encodedPassword}@${parts.domain}:${parts.port}/0?${encoded}`;
}
