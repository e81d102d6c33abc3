import type { Lines } from "./nginx-syntax";

/**
 * Request headers for the app, at server level only: nginx drops inherited proxy_set_header lines in any
 * block that sets its own. nginx is the edge, so the client's own X-Forwarded-For is replaced, not
 * appended to, and X-Remote-User (the admin's USE_REMOTE_USER login) always comes from nginx, never
 * from the client.
 */
export function proxyHeaders(remoteUser: string): Lines {
  return [
    "proxy_set_header Host $host;",
    "proxy_set_header X-Real-IP $remote_addr;",
    "proxy_set_header X-Forwarded-For $remote_addr;",
    "proxy_set_header X-Forwarded-Proto $scheme;",
    "proxy_set_header X-Forwarded-Host $host;",
    `proxy_set_header X-Remote-User ${remoteUser};`,
    // An empty Connection header lets nginx keep upstream connections alive.
    'proxy_set_header Connection "";',
  ];
}

/** An upstream with idle keep-alive connections, so a cache miss does not pay a TCP handshake. */
export function upstream(name: string, address: string): Lines {
  return [`upstream ${name} {`, `    server ${address};`, "    keepalive 16;", "}"];
}
