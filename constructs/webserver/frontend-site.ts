import { listen } from "./listen";
import { block, type Lines } from "./nginx-syntax";
import { proxyHeaders, upstream } from "./proxy-headers";
import { addSecurityHeaders } from "./security-headers";
import { namespaceOf, type ResolvedWebserverConfig, type WebserverSite } from "./webserver-config";

/** Rate limits per client address, as the original had them; a burst on top absorbs a page's own requests. */
export const RATE_LIMITS = {
  authentication: { path: "/authentication/", rate: "3r/s", burst: 5 },
  game_scores: { path: "/game/scores/", rate: "10r/s", burst: 20 },
} as const;

/** Without an Expires or Cache-Control from the app, a page is fresh this long (the original's value). */
export const DEFAULT_CACHE_SECONDS = 599;

/** http-level declarations of one instance's frontend: its upstreams, its cache and its rate-limit zones. */
export function frontendDeclarations(site: WebserverSite, config: ResolvedWebserverConfig): Lines {
  const ns = namespaceOf(site);
  return [
    ...upstream(`${ns}_frontend`, site.upstreams.frontend.address),
    ...(site.upstreams.interactive ? upstream(`${ns}_interactive`, site.upstreams.interactive.address) : []),
    `proxy_cache_path ${config.cacheRoot}/${site.instance} levels=1:2 keys_zone=${ns}_cache:10m max_size=1g inactive=14d use_temp_path=off;`,
    ...Object.entries(RATE_LIMITS).map(
      ([zone, limit]) => `limit_req_zone $binary_remote_addr zone=${ns}_${zone}:10m rate=${limit.rate};`,
    ),
  ];
}

/**
 * The public site. Pages are cached on disk and served stale while the app is down, slow or
 * refreshing them; the cache lock lets one request per page through to the app however many arrive at
 * once. The lock waits as long as the app may take (60 s) so a slow page is rendered once, not once per visitor.
 */
export function frontendServer(site: WebserverSite, config: ResolvedWebserverConfig): Lines {
  const ns = namespaceOf(site);
  const interactive = site.upstreams.interactive ? `http://${ns}_interactive` : undefined;
  const limited = (zone: keyof typeof RATE_LIMITS, target: string, cached: boolean) =>
    block(`location ${RATE_LIMITS[zone].path}`, [
      `limit_req zone=${ns}_${zone} burst=${RATE_LIMITS[zone].burst} nodelay;`,
      ...(cached ? [] : ["proxy_cache off;"]),
      `proxy_pass ${target};`,
    ]);

  return block("server", [
    ...listen(config, "https"),
    `server_name ${site.domain};`,
    "",
    ...addSecurityHeaders({ "X-Cache-Status": "$upstream_cache_status" }),
    ...proxyHeaders('""'),
    "proxy_connect_timeout 5s;",
    "proxy_read_timeout 60s;",
    "proxy_send_timeout 60s;",
    "limit_req_status 429;",
    "",
    `proxy_cache ${ns}_cache;`,
    "proxy_cache_key $scheme$host$request_uri;",
    `proxy_cache_valid 200 301 302 ${DEFAULT_CACHE_SECONDS}s;`,
    "proxy_cache_valid 404 1m;",
    "proxy_cache_use_stale error timeout invalid_header updating http_500 http_502 http_503 http_504 http_429 http_404;",
    "proxy_cache_background_update on;",
    "proxy_cache_revalidate on;",
    "proxy_cache_lock on;",
    "proxy_cache_lock_timeout 60s;",
    "proxy_cache_lock_age 60s;",
    "",
    ...block("location /", [`proxy_pass http://${ns}_frontend;`]),
    // Logins set cookies and carry CSRF tokens: never from the cache.
    ...limited("authentication", `http://${ns}_frontend`, false),
    // The game keeps per-visitor state (a session cookie) in the interactive app.
    ...(interactive ? block("location /game/", ["proxy_cache off;", `proxy_pass ${interactive};`]) : []),
    ...limited("game_scores", interactive ?? `http://${ns}_frontend`, !interactive),
  ]);
}
