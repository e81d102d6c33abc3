import { renderNginxConfig } from "../../../constructs/webserver/render-nginx-config";
import { DH_PARAMS_FILE } from "../../../constructs/webserver/tls-settings";
import type { WebserverConfig, WebserverSite } from "../../../constructs/webserver/webserver-config";

const production: WebserverSite = {
  instance: "production",
  domain: "faalkaart.nl",
  aliases: ["www.faalkaart.nl"],
  adminDomain: "admin.faalkaart.nl",
  names: ["faalkaart.nl", "www.faalkaart.nl", "admin.faalkaart.nl"],
  upstreams: {
    frontend: { address: "127.0.0.1:8001" },
    admin: { address: "127.0.0.1:8002" },
    interactive: { address: "127.0.0.1:8003" },
  },
};
const staging: WebserverSite = {
  instance: "staging",
  domain: "staging.faalkaart.nl",
  aliases: [],
  adminDomain: "admin.staging.faalkaart.nl",
  names: ["staging.faalkaart.nl", "admin.staging.faalkaart.nl"],
  upstreams: { frontend: { address: "127.0.0.1:8011" }, admin: { address: "127.0.0.1:8012" } },
};
const config: WebserverConfig = {
  sites: [production, staging],
  tls: { certificatePath: "/etc/failmap/tls/fullchain.pem", keyPath: "/etc/failmap/tls/privkey.pem" },
  clientAuth: {
    caCertificatePath: "/etc/failmap/tls/client-ca.pem",
    allowedClientDns: ["serialNumber=ab12,CN=alice,O=faalkaart"],
  },
  adminExtraLocations: [{ path: "/grafana/", upstream: { address: "127.0.0.1:3000" } }],
  cacheRoot: "/var/cache/failmap/nginx",
};

const render = (overrides: Partial<WebserverConfig> = {}) =>
  renderNginxConfig({ ...config, ...overrides })["nginx.conf"];

/** The trimmed lines of the server block that holds `line`, e.g. "server_name admin.faalkaart.nl;". */
function serverWith(text: string, line: string): string[] {
  const lines = text.split("\n").map((l) => l.trim());
  const at = lines.indexOf(line);
  let start = at;
  while (start >= 0 && lines[start] !== "server {") start--;
  let depth = 0;
  for (let end = start; end < lines.length; end++) {
    depth += (lines[end].endsWith("{") ? 1 : 0) - (lines[end] === "}" ? 1 : 0);
    if (depth === 0) return lines.slice(start, end + 1);
  }
  throw new Error(`no server block holds ${line}`);
}

describe("renderNginxConfig", () => {
  const text = render();

  it("renders nginx.conf and the Diffie-Hellman group it names", () => {
    const files = renderNginxConfig(config);
    expect(Object.keys(files).sort()).toEqual([DH_PARAMS_FILE, "nginx.conf"].sort());
    expect(files[DH_PARAMS_FILE]).toMatch(/^-----BEGIN DH PARAMETERS-----\n/);
    expect(text).toContain(`ssl_dhparam /etc/failmap/nginx/${DH_PARAMS_FILE};`);
  });

  it("follows Mozilla's intermediate TLS profile", () => {
    expect(text).toContain("ssl_protocols TLSv1.2 TLSv1.3;");
    expect(text).toContain("ssl_prefer_server_ciphers off;");
    expect(text).toContain("ssl_session_tickets off;");
    expect(text).toMatch(/ssl_ciphers ECDHE-ECDSA-AES128-GCM-SHA256:.*:DHE-RSA-CHACHA20-POLY1305;/);
    expect(text).toContain("server_tokens off;");
  });

  it("listens on IPv4 and IPv6, with HTTP/2, by default", () => {
    const frontend = serverWith(text, "server_name faalkaart.nl;");
    expect(frontend).toEqual(
      expect.arrayContaining(["listen *:443 ssl http2;", "listen [::]:443 ssl http2;"]),
    );
  });

  it("namespaces every zone, upstream and cache directory by instance", () => {
    for (const ns of ["production", "staging"]) {
      expect(text).toContain(
        `proxy_cache_path /var/cache/failmap/nginx/${ns} levels=1:2 keys_zone=${ns}_cache:10m`,
      );
      expect(text).toContain(`zone=${ns}_authentication:10m rate=3r/s;`);
      expect(text).toContain(`zone=${ns}_game_scores:10m rate=10r/s;`);
      expect(text).toContain(`upstream ${ns}_frontend {`);
      expect(text).toContain(`upstream ${ns}_admin {`);
    }
    expect(serverWith(text, "server_name staging.faalkaart.nl;")).toContain("proxy_cache staging_cache;");
    expect(serverWith(text, "server_name staging.faalkaart.nl;").join("\n")).not.toContain("production");
    expect(serverWith(text, "server_name admin.staging.faalkaart.nl;")).toContain(
      "proxy_pass http://staging_admin;",
    );
  });

  it("routes /game/ to the interactive app only where there is one", () => {
    expect(serverWith(text, "server_name faalkaart.nl;").join("\n")).toContain(
      "location /game/ {\nproxy_cache off;\nproxy_pass http://production_interactive;",
    );
    const stagingSite = serverWith(text, "server_name staging.faalkaart.nl;").join("\n");
    expect(stagingSite).not.toContain("location /game/ {");
    expect(stagingSite).toContain(
      "location /game/scores/ {\nlimit_req zone=staging_game_scores burst=20 nodelay;",
    );
  });

  it("caches the frontend with stale fallbacks and a lock, and never the admin", () => {
    const frontend = serverWith(text, "server_name faalkaart.nl;");
    expect(frontend).toEqual(
      expect.arrayContaining([
        "proxy_cache production_cache;",
        "proxy_cache_valid 200 301 302 599s;",
        "proxy_cache_use_stale error timeout invalid_header updating http_500 http_502 http_503 http_504 http_429 http_404;",
        "proxy_cache_background_update on;",
        "proxy_cache_lock on;",
        "proxy_read_timeout 60s;",
        'add_header X-Cache-Status "$upstream_cache_status" always;',
        'proxy_set_header X-Remote-User "";',
      ]),
    );
    const admin = serverWith(text, "server_name admin.faalkaart.nl;");
    expect(admin).toEqual(
      expect.arrayContaining([
        "proxy_cache off;",
        "proxy_no_cache 1;",
        "proxy_cache_bypass 1;",
        "proxy_ignore_headers Expires Cache-Control;",
        "expires -1;",
        "proxy_read_timeout 90s;",
      ]),
    );
  });

  it("requires an org CA client certificate on the allow-list for admin sites", () => {
    const admin = serverWith(text, "server_name admin.faalkaart.nl;");
    expect(admin).toEqual(
      expect.arrayContaining([
        "ssl_client_certificate /etc/failmap/tls/client-ca.pem;",
        "ssl_verify_client on;",
        "if ($failmap_admin_client_allowed = 0) {",
        "return 403;",
        "proxy_set_header X-Remote-User $failmap_admin_client_cn;",
        "location /grafana/ {",
      ]),
    );
    expect(text).toContain(
      'map $ssl_client_s_dn $failmap_admin_client_allowed {\n        default 0;\n        "serialNumber=ab12,CN=alice,O=faalkaart" 1;\n    }',
    );
    expect(serverWith(text, "server_name faalkaart.nl;")).not.toContain("ssl_verify_client on;");
  });

  it("escapes DNs for nginx's quoted strings", () => {
    const escaped = render({
      clientAuth: { ...config.clientAuth, allowedClientDns: ["serialNumber=1,CN=a\\,b,O=x"] },
    });
    expect(escaped).toContain('"serialNumber=1,CN=a\\\\,b,O=x" 1;');
  });

  it("keeps add_header and proxy_set_header out of locations, where they would drop the inherited ones", () => {
    let inLocation = false;
    for (const line of text.split("\n").map((l) => l.trim())) {
      if (line.startsWith("location ")) inLocation = true;
      else if (line === "}") inLocation = false;
      else if (inLocation) expect(line).not.toMatch(/^(add_header|proxy_set_header|proxy_hide_header) /);
    }
  });

  it("hides the app's own security headers and adds nginx's on every HTTPS server", () => {
    for (const name of [
      "Strict-Transport-Security",
      "X-Frame-Options",
      "X-Content-Type-Options",
      "Referrer-Policy",
    ]) {
      expect(text).toContain(`proxy_hide_header ${name};`);
    }
    for (const name of ["faalkaart.nl", "www.faalkaart.nl", "admin.faalkaart.nl", "staging.faalkaart.nl"]) {
      expect(serverWith(text, `server_name ${name};`)).toContain(
        'add_header Strict-Transport-Security "max-age=31536000; includeSubDomains" always;',
      );
    }
  });

  it("redirects HTTP to HTTPS, aliases to the domain, and serves ACME challenges only when asked", () => {
    const http = serverWith(text, "server_name faalkaart.nl www.faalkaart.nl admin.faalkaart.nl;");
    expect(http).toContain("return 301 https://$host$request_uri;");
    expect(http.join("\n")).not.toContain("acme-challenge");
    expect(serverWith(text, "server_name www.faalkaart.nl;")).toContain(
      "return 301 https://faalkaart.nl$request_uri;",
    );
    const withAcme = render({ acmeWebroot: "/var/lib/failmap/acme", listen: { http: 8080, https: 8443 } });
    expect(withAcme).toContain(
      "location /.well-known/acme-challenge/ {\n            root /var/lib/failmap/acme;",
    );
    expect(withAcme).toContain("return 301 https://$host:8443$request_uri;");
  });

  it("answers unknown names with nothing", () => {
    expect(serverWith(text, "listen [::]:80 default_server;")).toEqual([
      "server {",
      "listen *:80 default_server;",
      "listen [::]:80 default_server;",
      "return 444;",
      "}",
    ]);
    expect(serverWith(text, "ssl_reject_handshake on;")).toEqual([
      "server {",
      "listen *:443 ssl http2 default_server;",
      "listen [::]:443 ssl http2 default_server;",
      "ssl_reject_handshake on;",
      "return 444;",
      "}",
    ]);
  });

  it("logs the cache status and instance of each request as JSON", () => {
    expect(text).toMatch(
      /log_format failmap escape=json '\{.*"instance":"\$failmap_instance".*"cache":"\$upstream_cache_status".*\}';/,
    );
    expect(text).toContain("access_log /dev/stdout failmap;");
    expect(text).toContain("www.faalkaart.nl production;");
  });

  it("answers the container's healthcheck on loopback only, unlogged, when given a health port", () => {
    expect(text).not.toContain("/health");
    const health = serverWith(render({ healthPort: 8300 }), "listen 127.0.0.1:8300;");
    expect(health).toEqual([
      "server {",
      "listen 127.0.0.1:8300;",
      "access_log off;",
      "location = /health {",
      'return 200 "ok\\n";',
      "}",
      "location / {",
      "return 404;",
      "}",
      "}",
    ]);
  });

  it("writes nothing Terraform would read as an interpolation", () => {
    expect(text).not.toMatch(/[$%]\{/);
  });
});

describe("renderNginxConfig refuses", () => {
  const refuses = (overrides: Partial<WebserverConfig>, message: RegExp) =>
    expect(() => render(overrides)).toThrow(message);

  it("a host without sites", () => refuses({ sites: [] }, /give at least one site/));
  it("an upstream that is not address:port", () =>
    refuses(
      { sites: [{ ...production, upstreams: { ...production.upstreams, admin: { address: "http://x" } } }] },
      /admin upstream of production, "http:\/\/x", is not "address:port"/,
    ));
  it("an extra admin location that is not a directory", () =>
    refuses(
      { adminExtraLocations: [{ path: "/grafana", upstream: { address: "127.0.0.1:3000" } }] },
      /"\/grafana"/,
    ));
  it("a DN with a quote", () =>
    refuses({ clientAuth: { ...config.clientAuth, allowedClientDns: ['CN="x"'] } }, /holds a quote/));
  it("the same port for HTTP and HTTPS", () => refuses({ listen: { http: 8443, https: 8443 } }, /both 8443/));
  it("a health port that is also a listen port", () =>
    refuses({ healthPort: 443 }, /healthPort 443 is also a listen port/));
  it("a health port that is no TCP port", () =>
    refuses({ healthPort: 70000 }, /port 70000 is not a TCP port/));
  it("a relative cache root", () =>
    refuses({ cacheRoot: "cache" }, /cacheRoot "cache" must be an absolute path/));
});
