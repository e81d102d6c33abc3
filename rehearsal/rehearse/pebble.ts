import fs from "node:fs";
import https from "node:https";
import path from "node:path";
import { requireProgram } from "../../ops/system/programs";
import { serverCertificate } from "../images/local-ca";
import { startDaemon, waitUntilReady, type Daemon } from "./child-process";

/**
 * Debian's pebble, the ACME test CA, for the organisation's certificates. It validates DNS-01 challenges
 * against the rehearsal's DNS server. Its own HTTPS certificate comes from a local CA made with openssl (the
 * package ships none); its issuing root is made anew at every start and read from its management API.
 */
export class Pebble {
  private constructor(
    readonly daemon: Daemon,
    /** acme.directory: https://<address>:<port>/dir */
    readonly directory: string,
    /** The CA of pebble's own HTTPS certificate (PEM file), which ACME clients must trust. */
    readonly tlsCaFile: string,
    private readonly management: string,
  ) {}

  /**
   * `validitySeconds`: how long the certificates it issues are valid (pebble's own default: five years). A
   * test makes certificates due for renewal with a validity just above the stack's renewal window.
   */
  static async start(
    address: string,
    port: number,
    dnsServer: string,
    dir: string,
    validitySeconds?: number,
  ): Promise<Pebble> {
    requireProgram("pebble", "pebble");
    fs.mkdirSync(dir, { recursive: true });
    const tls = serverCertificate(path.join(dir, "tls"), [address]);
    const host = address.includes(":") ? `[${address}]` : address;
    const config = path.join(dir, "pebble-config.json");
    fs.writeFileSync(
      config,
      JSON.stringify({
        pebble: {
          listenAddress: `${host}:${port}`,
          managementListenAddress: `${host}:${port + 1}`,
          certificate: tls.certFile,
          privateKey: tls.keyFile,
          // No HTTP-01 or TLS-ALPN-01 here: the stack uses DNS-01 only.
          httpPort: 5002,
          tlsPort: 5001,
          ocspResponderURL: "",
          externalAccountBindingRequired: false,
          ...(validitySeconds ? { certificateValidityPeriod: validitySeconds } : {}),
        },
      }),
    );
    const logFile = path.join(dir, "pebble.log");
    const daemon = startDaemon("pebble", "pebble", ["-config", config, "-dnsserver", dnsServer], logFile, {
      ...process.env,
      // Validate at once, and accept every good nonce: a rehearsal wants speed, not pebble's chaos testing.
      PEBBLE_VA_NOSLEEP: "1",
      PEBBLE_WFE_NONCEREJECT: "0",
    });
    const pebble = new Pebble(
      daemon,
      `https://${host}:${port}/dir`,
      tls.caFile,
      `https://${host}:${port + 1}`,
    );
    await waitUntilReady(daemon, logFile, () => pebble.get("/roots/0"));
    return pebble;
  }

  /** The root that issues the certificates, PEM: what a check of a served certificate verifies against. */
  issuingRoot(): Promise<string> {
    return this.get("/roots/0");
  }

  private get(urlPath: string): Promise<string> {
    const ca = fs.readFileSync(this.tlsCaFile);
    return new Promise((resolve, reject) => {
      https
        .get(`${this.management}${urlPath}`, { ca }, (response) => {
          let text = "";
          response.on("data", (chunk) => (text += chunk));
          response.on("end", () =>
            response.statusCode === 200
              ? resolve(text)
              : reject(new Error(`pebble ${urlPath}: HTTP ${response.statusCode}`)),
          );
        })
        .on("error", reject);
    });
  }
}
