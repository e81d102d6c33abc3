import type { Lines } from "./nginx-syntax";
import type { ResolvedWebserverConfig } from "./webserver-config";

/**
 * `listen` lines on every configured address. HTTP/2 is a listen parameter, the one syntax that both
 * Debian bookworm's nginx 1.22 and current nginx accept (1.25.1+ only warns that it is deprecated).
 */
export function listen(
  config: ResolvedWebserverConfig,
  scheme: "http" | "https",
  options: { defaultServer?: boolean } = {},
): Lines {
  const port = config.listen[scheme];
  const parameters = [scheme === "https" ? "ssl http2" : "", options.defaultServer ? "default_server" : ""];
  return config.listen.addresses.map((address) =>
    [`listen ${address}:${port}`, ...parameters.filter(Boolean)].join(" ").concat(";"),
  );
}

/** "https://<name>" plus the port when it is not 443, as redirects need it. */
export function httpsOrigin(config: ResolvedWebserverConfig, name: string): string {
  return config.listen.https === 443 ? `https://${name}` : `https://${name}:${config.listen.https}`;
}
