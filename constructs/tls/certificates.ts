import { PrivateKey } from "@cdktf/provider-tls/lib/private-key";
import { SelfSignedCert } from "@cdktf/provider-tls/lib/self-signed-cert";
import { DataResource, Fn } from "cdktf";
import { Construct } from "constructs";
import { Certificate } from "../../.gen/providers/acme/certificate";
import { AcmeProvider } from "../../.gen/providers/acme/provider";
import { Registration } from "../../.gen/providers/acme/registration";
import { acmeDirectoryUrl } from "../../config/acme-directory";
import type { OrganisationModel } from "../../config/model/organisation-model";
import type { Host } from "../host/host";
import { resourceAddress } from "../host/resource-address";
import type { TlsKeyPair } from "./key-pair";
import { tlsKeyAlgorithm } from "./key-types";

/** Renew (ACME) or re-issue (self-signed) once fewer days than this remain. */
export const RENEW_DAYS_BEFORE_EXPIRY = 30;
const SELF_SIGNED_VALIDITY_DAYS = 365;

export interface SiteNames {
  readonly host: Host;
  /** Every name the host serves; the host's FQDN is always included. */
  readonly names: readonly string[];
}

export interface CertificatesProps {
  readonly acme: OrganisationModel["acme"];
  readonly sites: readonly SiteNames[];
}

/**
 * One server certificate per host, covering every name it serves. From an ACME CA (Let's Encrypt, or any
 * other by its directory URL) through DNS-01 (so hosts need no port 80 for validation, and certificates
 * exist before DNS points at a new server), or self-signed for test organisations without a DNS API.
 *
 * The ACME provider renews only when a plan/apply runs within RENEW_DAYS_BEFORE_EXPIRY days of expiry,
 * so a scheduled apply is part of running this. The DNS provider's credentials come from the
 * environment of that apply (for `hetzner`: HETZNER_API_TOKEN; for `exec`: EXEC_PATH), never from the
 * stack; so does the root of a private CA (LEGO_CA_CERTIFICATES, docs/operations.md).
 */
export class Certificates extends Construct {
  private readonly pairs = new Map<Host, TlsKeyPair>();
  private readonly selfSignedMode: boolean;

  constructor(scope: Construct, id: string, props: CertificatesProps) {
    super(scope, id);
    if (props.sites.length === 0) throw new Error(`Certificates ${this.node.path}: give at least one host`);
    this.selfSignedMode = props.acme.mode === "self-signed";
    const issue = props.acme.mode === "acme" ? this.fromAcme(props.acme) : this.selfSigned(props.acme);
    for (const site of props.sites) {
      const names = [site.host.fqdn, ...site.names.filter((n) => n !== site.host.fqdn)];
      this.pairs.set(site.host, issue(site.host.name, [...new Set(names)]));
    }
  }

  /** The certificate (full chain) and key that `host` presents for all its names. */
  certificateFor(host: Host): TlsKeyPair {
    const pair = this.pairs.get(host);
    if (!pair)
      throw new Error(
        `Certificates ${this.node.path}: no certificate for host '${host.name}'; add it to sites`,
      );
    return pair;
  }

  /**
   * What a client (a remote worker) must trust to verify `host`, when the system's trust store is not
   * enough: the self-signed certificate itself. Undefined for ACME certificates.
   */
  trustAnchorFor(host: Host): string | undefined {
    return this.selfSignedMode ? this.certificateFor(host).certificatePem : undefined;
  }

  private fromAcme(acme: OrganisationModel["acme"]) {
    const provider = new AcmeProvider(this, "acme", { serverUrl: acmeDirectoryUrl(acme.directory) });
    // A new e-mail replaces the registration (email_address forces it), and destroying a registration
    // deactivates its account, after which RFC 8555 (7.3.6) refuses that account's key for good. So each
    // e-mail gets a key of its own, and the new account exists before the old one is deactivated.
    const email = new DataResource(this, "account-email", { triggersReplace: { email: acme.email } });
    const accountKey = new PrivateKey(this, "account-key", {
      algorithm: "ECDSA",
      ecdsaCurve: "P256",
      lifecycle: { createBeforeDestroy: true, replaceTriggeredBy: [resourceAddress(email)] },
    });
    const account = new Registration(this, "account", {
      provider,
      accountKeyPem: accountKey.privateKeyPem,
      emailAddress: acme.email,
      lifecycle: { createBeforeDestroy: true },
    });
    return (hostName: string, [commonName, ...alternatives]: string[]): TlsKeyPair => {
      const certificate = new Certificate(this, `certificate-${hostName}`, {
        provider,
        accountKeyPem: account.accountKeyPem,
        commonName,
        subjectAlternativeNames: alternatives,
        keyType: acme.keyType,
        minDaysRemaining: RENEW_DAYS_BEFORE_EXPIRY,
        dnsChallenge: [{ provider: acme.dnsProvider }],
        recursiveNameservers: acme.recursiveNameservers,
        disableCompletePropagation: acme.disableCompletePropagation,
        // A new name (or account) replaces the certificate: nginx keeps serving the old one until the new
        // one is issued, and the old one is left to expire rather than revoked (docs/operations.md says how
        // to revoke on purpose).
        revokeCertificateOnDestroy: false,
        lifecycle: { createBeforeDestroy: true },
      });
      return {
        certificatePem: Fn.join("", [certificate.certificatePem, certificate.issuerPem]),
        privateKeyPem: certificate.privateKeyPem,
      };
    };
  }

  private selfSigned(acme: OrganisationModel["acme"]) {
    return (hostName: string, names: string[]): TlsKeyPair => {
      const key = new PrivateKey(this, `key-${hostName}`, tlsKeyAlgorithm(acme.keyType));
      const certificate = new SelfSignedCert(this, `certificate-${hostName}`, {
        privateKeyPem: key.privateKeyPem,
        subject: [{ commonName: names[0] }],
        dnsNames: names,
        validityPeriodHours: SELF_SIGNED_VALIDITY_DAYS * 24,
        earlyRenewalHours: RENEW_DAYS_BEFORE_EXPIRY * 24,
        allowedUses: ["digital_signature", "key_encipherment", "server_auth"],
      });
      return { certificatePem: certificate.certPem, privateKeyPem: key.privateKeyPem };
    };
  }
}
