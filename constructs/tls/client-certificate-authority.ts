import { CertRequest } from "@cdktf/provider-tls/lib/cert-request";
import { LocallySignedCert } from "@cdktf/provider-tls/lib/locally-signed-cert";
import { PrivateKey } from "@cdktf/provider-tls/lib/private-key";
import { SelfSignedCert } from "@cdktf/provider-tls/lib/self-signed-cert";
import { Id } from "@cdktf/provider-random/lib/id";
import { TerraformOutput } from "cdktf";
import { Construct } from "constructs";
import {
  CLIENT_CA_OUTPUT,
  CLIENT_CERTIFICATES_OUTPUT,
  type ClientCertificateOutput,
  type ClientKind,
} from "./client-certificate-outputs";
import type { ClientCertificateIssuer } from "./client-certificate-issuer";
import { renderClientDn } from "./client-dn";
import type { TlsKeyPair } from "./key-pair";

const HOURS_PER_DAY = 24;
const CA_VALIDITY_DAYS = 10 * 365;
/** The CA certificate is re-issued with the same key a year early, so issued client certificates stay valid. */
const CA_RENEW_BEFORE_DAYS = 365;

export interface ClientCertificateHolders {
  /** Users who may open the admin sites (and Grafana). */
  readonly admins: readonly string[];
  /** Remote workers, unmanaged (remoteWorkers.clients) and managed (worker hosts), that reach the broker. */
  readonly workers: readonly string[];
}

export interface ClientCertificateAuthorityProps extends ClientCertificateHolders {
  readonly organisation: string;
  /**
   * How long a client certificate is valid. Renewed certificates keep their DN, so renewal never revokes.
   * @default 365
   */
  readonly validityDays?: number;
  /**
   * Re-issued by the first apply this many days before expiry.
   * @default 30
   */
  readonly renewBeforeDays?: number;
}

/**
 * The organisation's private CA and the client certificates it issues. Revocation is an allow-list: the
 * lists of clientDns() hold the subject of every current certificate, and nginx admits only those. A name
 * removed from the file loses its random serialNumber; added again, it gets a new one, so a certificate
 * issued before stays refused.
 */
export class ClientCertificateAuthority extends Construct implements ClientCertificateIssuer {
  readonly caCertificatePem: string;
  private readonly dns: Record<ClientKind, string[]> = { admin: [], worker: [] };
  private readonly issued = new Map<string, TlsKeyPair>();

  constructor(scope: Construct, id: string, props: ClientCertificateAuthorityProps) {
    super(scope, id);
    const validityDays = props.validityDays ?? 365;
    const renewBeforeDays = props.renewBeforeDays ?? 30;
    if (renewBeforeDays >= validityDays) {
      throw new Error(
        `ClientCertificateAuthority ${this.node.path}: renewBeforeDays (${renewBeforeDays}) must be less than validityDays (${validityDays})`,
      );
    }
    const holders: [string, ClientKind][] = [
      ...props.admins.map((n): [string, ClientKind] => [n, "admin"]),
      ...props.workers.map((n): [string, ClientKind] => [n, "worker"]),
    ];
    const seen = new Set<string>();
    for (const [name] of holders) {
      if (seen.has(name)) {
        throw new Error(
          `ClientCertificateAuthority ${this.node.path}: '${name}' would get two client certificates; ` +
            "user names, remoteWorkers.clients and worker host names must all differ",
        );
      }
      seen.add(name);
    }

    const caKey = new PrivateKey(this, "ca-key", { algorithm: "ECDSA", ecdsaCurve: "P256" });
    const ca = new SelfSignedCert(this, "ca", {
      privateKeyPem: caKey.privateKeyPem,
      subject: [{ commonName: `${props.organisation} client CA`, organization: props.organisation }],
      isCaCertificate: true,
      validityPeriodHours: CA_VALIDITY_DAYS * HOURS_PER_DAY,
      earlyRenewalHours: CA_RENEW_BEFORE_DAYS * HOURS_PER_DAY,
      allowedUses: ["cert_signing", "crl_signing", "digital_signature"],
    });
    this.caCertificatePem = ca.certPem;

    const outputs: Record<string, ClientCertificateOutput> = {};
    for (const [name, kind] of holders) {
      const client = new Construct(this, `client-${name}`);
      const serial = new Id(client, "serial", { byteLength: 16 });
      const key = new PrivateKey(client, "key", { algorithm: "ECDSA", ecdsaCurve: "P256" });
      const request = new CertRequest(client, "request", {
        privateKeyPem: key.privateKeyPem,
        subject: [{ commonName: name, organization: props.organisation, serialNumber: serial.hex }],
      });
      const certificate = new LocallySignedCert(client, "certificate", {
        certRequestPem: request.certRequestPem,
        caCertPem: ca.certPem,
        caPrivateKeyPem: caKey.privateKeyPem,
        validityPeriodHours: validityDays * HOURS_PER_DAY,
        earlyRenewalHours: renewBeforeDays * HOURS_PER_DAY,
        allowedUses: ["digital_signature", "client_auth"],
      });
      const dn = renderClientDn({
        commonName: name,
        organisation: props.organisation,
        serialNumber: serial.hex,
      });
      this.dns[kind].push(dn);
      this.issued.set(name, { certificatePem: certificate.certPem, privateKeyPem: key.privateKeyPem });
      outputs[name] = { kind, dn, certificate_pem: certificate.certPem, private_key_pem: key.privateKeyPem };
    }

    new TerraformOutput(this, "ca-output", {
      value: this.caCertificatePem,
      description: "The organisation's client CA certificate (public).",
    }).overrideLogicalId(CLIENT_CA_OUTPUT);
    new TerraformOutput(this, "certificates-output", {
      value: outputs,
      sensitive: true,
      description: "Client certificates and their keys; read by `npm run client-cert -- <org> <name>`.",
    }).overrideLogicalId(CLIENT_CERTIFICATES_OUTPUT);
  }

  clientDns(kind: ClientKind): readonly string[] {
    return this.dns[kind];
  }

  /** The certificate and key of an admin or worker named in the props. */
  certificateFor(name: string): TlsKeyPair {
    const pair = this.issued.get(name);
    if (!pair)
      throw new Error(`ClientCertificateAuthority ${this.node.path}: no client certificate for '${name}'`);
    return pair;
  }
}
