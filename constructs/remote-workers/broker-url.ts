export interface BrokerUrlParts {
  /** Already percent-encoded (Fn.urlencode for a token). */
  readonly encodedPassword: string;
  /** The instance domain: SNI picks the broker, and the server certificate covers it. */
  readonly domain: string;
  readonly port: number;
  /** Paths inside the worker container. */
  readonly clientCertificate: string;
  readonly clientKey: string;
  /** A CA file to verify the endpoint with; without it the system trust store is used (Let's Encrypt). */
  readonly serverCa?: string;
}

/** Celery's BROKER for a remote worker: redis over TLS, presenting the worker's client certificate. */
export function renderBrokerUrl(parts: BrokerUrlParts): string {
  const query = [
    "ssl_cert_reqs=CERT_REQUIRED",
    ...(parts.serverCa ? [`ssl_ca_certs=${parts.serverCa}`] : []),
    `ssl_certfile=${parts.clientCertificate}`,
    `ssl_keyfile=${parts.clientKey}`,
  ];
  return `rediss://:${parts.encodedPassword}@${parts.domain}:${parts.port}/0?${query.join("&")}`;
}
