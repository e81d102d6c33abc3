import { httpsOrigin, listen } from "./listen";
import { block, type Lines } from "./nginx-syntax";
import { addSecurityHeaders } from "./security-headers";
import type { ResolvedWebserverConfig, WebserverSite } from "./webserver-config";

/**
 * Requests for names this host does not serve get no answer at all: 444 closes the connection, and on
 * HTTPS the handshake is refused, so a scan by IP address learns neither the names nor the certificate.
 * The `return` catches a request that names a known host in TLS but an unknown one in its Host header.
 */
export function defaultServers(config: ResolvedWebserverConfig): Lines {
  return [
    ...block("server", [...listen(config, "http", { defaultServer: true }), "return 444;"]),
    ...block("server", [
      ...listen(config, "https", { defaultServer: true }),
      "ssl_reject_handshake on;",
      "return 444;",
    ]),
  ];
}

/** Plain HTTP only redirects to HTTPS on the same name, except for ACME HTTP-01 challenges. */
export function httpRedirectServer(site: WebserverSite, config: ResolvedWebserverConfig): Lines {
  const redirect = `return 301 ${httpsOrigin(config, "$host")}$request_uri;`;
  return block("server", [
    ...listen(config, "http"),
    `server_name ${site.names.join(" ")};`,
    ...(config.acmeWebroot
      ? [
          ...block("location /.well-known/acme-challenge/", [`root ${config.acmeWebroot};`]),
          ...block("location /", [redirect]),
        ]
      : [redirect]),
  ]);
}

/** Aliases (www. and the like) send visitors to the one name the site is cached and indexed under. */
export function aliasServer(site: WebserverSite, config: ResolvedWebserverConfig): Lines {
  if (site.aliases.length === 0) return [];
  return block("server", [
    ...listen(config, "https"),
    `server_name ${site.aliases.join(" ")};`,
    ...addSecurityHeaders(),
    `return 301 ${httpsOrigin(config, site.domain)}$request_uri;`,
  ]);
}
