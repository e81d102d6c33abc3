import { isIP } from "node:net";
import { readUrl } from "./urls";

/*
 * The state holds the organisation's private CA key, the database and broker passwords and the generated
 * host keys. It must not cross a network in plain text; only a stand-in on this machine (rehearsal/s3, MinIO on
 * loopback) may use http.
 */
const LOOPBACK_NAMES = new Set(["localhost", "[::1]"]);

function isLoopback(hostname: string): boolean {
  if (LOOPBACK_NAMES.has(hostname)) return true;
  return isIP(hostname) === 4 && hostname.startsWith("127.");
}

/** Why `endpoint` would expose the state, with the fix; or undefined. */
export function stateEndpointProblem(endpoint: string): string | undefined {
  const url = readUrl(
    endpoint,
    "is not a URL; write https://<host>, e.g. https://fsn1.your-objectstorage.com",
  );
  if (typeof url === "string") return url;
  if (url.protocol === "https:") return undefined;
  if (url.protocol === "http:" && isLoopback(url.hostname)) return undefined;
  return `is ${url.protocol}// to ${url.hostname}: the state holds the private CA key and every password and would cross the network unencrypted; use https://${url.host}${url.pathname === "/" ? "" : url.pathname} (plain http is accepted for 127.0.0.1 and localhost only)`;
}
