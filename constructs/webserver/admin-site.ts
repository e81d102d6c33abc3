import { listen } from "./listen";
import { block, quote, type Lines } from "./nginx-syntax";
import { proxyHeaders, upstream } from "./proxy-headers";
import { addSecurityHeaders } from "./security-headers";
import {
  extraUpstreamName,
  namespaceOf,
  type ResolvedWebserverConfig,
  type WebserverSite,
} from "./webserver-config";

/** 1 when the client certificate's subject DN is on the allow-list; the admin sites answer 403 otherwise. */
export const CLIENT_ALLOWED_VARIABLE = "$failmap_admin_client_allowed";
/** The CN of the client certificate, handed to the app as X-Remote-User. */
export const CLIENT_CN_VARIABLE = "$failmap_admin_client_cn";

/**
 * Revocation by allow-list. The org CA proves a certificate is ours; the list says it is still wanted.
 * Removing a user drops their DN, and a re-issued certificate gets a new random serialNumber in its DN,
 * so an old certificate stays out. (nginx compares map strings without regard to case; the DNs differ
 * in their random serial, so that loses nothing.)
 */
export function adminDeclarations(config: ResolvedWebserverConfig): Lines {
  return [
    ...block(`map $ssl_client_s_dn ${CLIENT_ALLOWED_VARIABLE}`, [
      "default 0;",
      ...config.clientAuth.allowedClientDns.map((dn) => `${quote(dn)} 1;`),
    ]),
    ...block(`map $ssl_client_s_dn ${CLIENT_CN_VARIABLE}`, ['default "";', '"~(^|,)CN=(?<cn>[^,]+)" $cn;']),
    ...config.adminExtraLocations.flatMap((extra) =>
      upstream(extraUpstreamName(extra), extra.upstream.address),
    ),
  ];
}

export function adminDeclarationsFor(site: WebserverSite): Lines {
  return upstream(`${namespaceOf(site)}_admin`, site.upstreams.admin.address);
}

/**
 * The admin site: only org CA client certificates on the allow-list get in. Nothing is cached, whatever
 * the app says, and responses are not compressed, because compressing pages that hold CSRF tokens over
 * TLS invites BREACH.
 */
export function adminServer(site: WebserverSite, config: ResolvedWebserverConfig): Lines {
  return block("server", [
    ...listen(config, "https"),
    `server_name ${site.adminDomain};`,
    "",
    `ssl_client_certificate ${config.clientAuth.caCertificatePath};`,
    "ssl_verify_client on;",
    ...block(`if (${CLIENT_ALLOWED_VARIABLE} = 0)`, ["return 403;"]),
    "",
    ...addSecurityHeaders(),
    ...proxyHeaders(CLIENT_CN_VARIABLE),
    "proxy_connect_timeout 5s;",
    "proxy_read_timeout 90s;",
    "proxy_send_timeout 90s;",
    "client_max_body_size 50m;",
    "gzip off;",
    "",
    "proxy_cache off;",
    "proxy_no_cache 1;",
    "proxy_cache_bypass 1;",
    "proxy_ignore_headers Expires Cache-Control;",
    "expires -1;",
    "",
    ...block("location /", [`proxy_pass http://${namespaceOf(site)}_admin;`]),
    ...config.adminExtraLocations.flatMap((extra) =>
      block(`location ${extra.path}`, [`proxy_pass http://${extraUpstreamName(extra)};`]),
    ),
  ]);
}
