import {
  renderBrokerStreamConfig,
  type BrokerStreamConfig,
} from "../../../constructs/remote-workers/render-broker-stream";

const config: BrokerStreamConfig = {
  listen: ["1337", "[::]:1337"],
  files: {
    certificate: "/c/server.crt",
    key: "/c/server.key",
    clientCa: "/c/client-ca.pem",
    pid: "/run/n.pid",
  },
  allowedClientDns: [
    "serialNumber=01,CN=scanner-amsterdam,O=faalkaart",
    'serialNumber=02,CN=q"uote,O=faalkaart',
  ],
  routes: [
    { instance: "production", domain: "faalkaart.nl", address: "127.0.0.1:6380" },
    { instance: "staging", domain: "staging.faalkaart.nl", address: "127.0.0.1:6381" },
  ],
};

describe("renderBrokerStreamConfig", () => {
  const text = renderBrokerStreamConfig(config);

  it("requires a client certificate from the organisation's CA on every listen address", () => {
    expect(text).toContain("        listen 1337 ssl;\n        listen [::]:1337 ssl;\n");
    expect(text).toContain("ssl_client_certificate /c/client-ca.pem;\n        ssl_verify_client on;");
    expect(text).toContain("ssl_certificate /c/server.crt;\n        ssl_certificate_key /c/server.key;");
  });

  it("admits only the listed subjects, quoted for nginx", () => {
    expect(text).toContain(
      [
        "    map $ssl_client_s_dn $failmap_client_allowed {",
        "        default 0;",
        '        "serialNumber=01,CN=scanner-amsterdam,O=faalkaart" 1;',
        '        "serialNumber=02,CN=q\\"uote,O=faalkaart" 1;',
        "    }",
      ].join("\n"),
    );
  });

  it("routes an admitted client by SNI to its instance's broker, and everything else nowhere", () => {
    expect(text).toContain(
      [
        '    map "$failmap_client_allowed:$ssl_server_name" $failmap_broker {',
        "        default failmap_refused;",
        '        "1:faalkaart.nl" failmap_broker_production;',
        '        "1:staging.faalkaart.nl" failmap_broker_staging;',
        "    }",
      ].join("\n"),
    );
    expect(text).toContain("upstream failmap_broker_staging {\n        server 127.0.0.1:6381;\n    }");
    expect(text).toContain("upstream failmap_refused {\n        server 127.0.0.1:9 down;\n    }");
    expect(text).toContain("proxy_pass $failmap_broker;");
  });

  it("loads dynamic modules first when asked (Debian's nginx)", () => {
    const debian = renderBrokerStreamConfig({
      ...config,
      loadModules: ["/usr/lib/nginx/modules/ngx_stream_module.so"],
    });
    expect(debian.split("\n")[1]).toBe("load_module /usr/lib/nginx/modules/ngx_stream_module.so;");
    expect(text).not.toContain("load_module");
  });

  it("refuses configurations that would route wrongly", () => {
    expect(() => renderBrokerStreamConfig({ ...config, routes: [] })).toThrow(/at least one broker route/);
    expect(() =>
      renderBrokerStreamConfig({ ...config, routes: [{ ...config.routes[0], address: "localhost" }] }),
    ).toThrow(/'localhost' of production is not host:port/);
    expect(() => renderBrokerStreamConfig({ ...config, allowedClientDns: ["a\nb"] })).toThrow(/spans lines/);
  });
});
