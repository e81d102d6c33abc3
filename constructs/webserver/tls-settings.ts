import type { Lines } from "./nginx-syntax";
import type { ResolvedWebserverConfig } from "./webserver-config";

/** File name, next to nginx.conf, of the Diffie-Hellman group that the DHE cipher suites use. */
export const DH_PARAMS_FILE = "ffdhe2048.pem";

/**
 * The RFC 7919 ffdhe2048 group (as `openssl genpkey -genparam -algorithm DH -pkeyopt dh_param:ffdhe2048`
 * prints it). Mozilla recommends this fixed, well-known group over locally generated parameters.
 */
export const FFDHE2048_PEM = `-----BEGIN DH PARAMETERS-----
MIIBCAKCAQEA//////////+t+FRYortKmq/cViAnPTzx2LnFg84tNpWp4TZBFGQz
+8yTnc4kmz75fS/jY2MMddj2gbICrsRhetPfHtXV/WVhJDP1H18GbtCFY2VVPe0a
87VXE15/V8k1mE8McODmi3fipona8+/och3xWKE2rec1MKzKT0g6eXq8CrGCsyT7
YdEIqUuyyOP7uWrat2DX9GgdT0Kj3jlN9K5W7edjcrsZCwenyO4KbXCeAvzhzffi
7MA0BM0oNC9hkXL+nOmFg/+OTxIy7vKBg8P+OxtMb61zO7X8vC7CIAXFjvGDfRaD
ssbzSibBsu/6iGtCOGEoXJf//////////wIBAg==
-----END DH PARAMETERS-----
`;

/** Mozilla's "intermediate" cipher list (server side TLS guidelines 5.7); TLS 1.3 suites need no list. */
export const INTERMEDIATE_CIPHERS = [
  "ECDHE-ECDSA-AES128-GCM-SHA256",
  "ECDHE-RSA-AES128-GCM-SHA256",
  "ECDHE-ECDSA-AES256-GCM-SHA384",
  "ECDHE-RSA-AES256-GCM-SHA384",
  "ECDHE-ECDSA-CHACHA20-POLY1305",
  "ECDHE-RSA-CHACHA20-POLY1305",
  "DHE-RSA-AES128-GCM-SHA256",
  "DHE-RSA-AES256-GCM-SHA384",
  "DHE-RSA-CHACHA20-POLY1305",
];

/**
 * Mozilla intermediate: TLS 1.2 and 1.3 only, and the client picks among the strong suites it prefers.
 * Set once at http level: the host has one certificate covering every name. Tickets stay off because
 * nginx never rotates their key, which would undo forward secrecy; the shared session cache resumes instead.
 * No OCSP stapling: Let's Encrypt no longer runs an OCSP responder.
 */
export function tlsSettings(config: ResolvedWebserverConfig): Lines {
  return [
    `ssl_certificate ${config.tls.certificatePath};`,
    `ssl_certificate_key ${config.tls.keyPath};`,
    "ssl_protocols TLSv1.2 TLSv1.3;",
    `ssl_ciphers ${INTERMEDIATE_CIPHERS.join(":")};`,
    "ssl_prefer_server_ciphers off;",
    "ssl_ecdh_curve X25519:prime256v1:secp384r1;",
    `ssl_dhparam ${config.configDir}/${DH_PARAMS_FILE};`,
    "ssl_session_cache shared:tls_sessions:10m;",
    "ssl_session_timeout 1d;",
    "ssl_session_tickets off;",
  ];
}
