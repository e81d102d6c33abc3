import { quote, type Lines } from "./nginx-syntax";

/** Headers nginx adds to every HTTPS answer, errors and redirects included (`always`). */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  "Strict-Transport-Security": "max-age=31536000; includeSubDomains",
  "X-Frame-Options": "SAMEORIGIN",
  "X-Content-Type-Options": "nosniff",
  "Referrer-Policy": "same-origin",
};

/**
 * The app sets some of these itself (Django's SecurityMiddleware), and a browser that sees two differing
 * copies may honour either. nginx's copy is the one that holds, so the app's are dropped. X-XSS-Protection
 * is dropped too: browsers removed the filter it switched on, and its use could open leaks.
 */
export function hideAppSecurityHeaders(): Lines {
  return [...Object.keys(SECURITY_HEADERS), "X-XSS-Protection", "X-Powered-By"].map(
    (name) => `proxy_hide_header ${name};`,
  );
}

/**
 * For server level only. nginx drops inherited add_header lines in any block that has its own, so no
 * location below may use add_header; `extra` carries a server's own headers, such as the cache status.
 */
export function addSecurityHeaders(extra: Readonly<Record<string, string>> = {}): Lines {
  return Object.entries({ ...SECURITY_HEADERS, ...extra }).map(
    ([name, value]) => `add_header ${name} ${quote(value)} always;`,
  );
}
