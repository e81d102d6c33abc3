import { stringify } from "yaml";

/**
 * blackbox.yml: one module, "tls", that opens a verified TLS connection and reports the certificate's
 * expiry (probe_ssl_earliest_cert_expiry). A TCP+TLS probe rather than an HTTP one, because the admin names
 * answer 400 without a client certificate while their server certificate still needs watching.
 */
export function renderBlackboxConfig(): string {
  return stringify({
    modules: {
      tls: {
        prober: "tcp",
        timeout: "10s",
        tcp: { preferred_ip_protocol: "ip4", tls: true, tls_config: { insecure_skip_verify: false } },
      },
    },
  });
}
