import { TerraformOutput } from "cdktf";
import { siteNamesOf } from "../../../config/model/site-names";
import { Certificates } from "../../../constructs/tls/certificates";
import { loadExample } from "../../support/organisations";
import { privateKeyMentions, resources, synth, testStack } from "./synth";

function synthCertificates(edit?: (data: Record<string, any>) => void) {
  const org = loadExample("faalkaart", edit);
  const { stack, host } = testStack(org.server.fqdn);
  const certificates = new Certificates(stack, "certificates", {
    acme: org.acme,
    sites: [{ host, names: siteNamesOf(org).map((n) => n.name) }],
  });
  new TerraformOutput(stack, "chain", { value: certificates.certificateFor(host).certificatePem });
  return { synthesized: synth(stack), certificates, host, stack };
}

describe("Certificates from Let's Encrypt", () => {
  const { synthesized, certificates, host } = synthCertificates();
  const [certificate] = resources(synthesized, "acme_certificate");

  it("covers the server and every instance's domain, aliases and admin name in one certificate", () => {
    expect(resources(synthesized, "acme_certificate")).toHaveLength(1);
    expect(certificate.common_name).toBe("faalserver.faalkaart.nl");
    expect([...certificate.subject_alternative_names].sort()).toEqual(
      [
        "admin.faalkaart.nl",
        "admin.staging.faalkaart.nl",
        "faalkaart.nl",
        "staging.faalkaart.nl",
        "www.faalkaart.nl",
      ].sort(),
    );
  });

  it("validates by DNS-01 with the organisation's DNS provider, renews 30 days ahead, on an ECDSA P-256 key", () => {
    expect(certificate.dns_challenge).toEqual([{ provider: "hetzner" }]);
    expect(certificate).not.toHaveProperty("http_challenge");
    expect(certificate.min_days_remaining).toBe(30);
    expect(certificate.key_type).toBe("P256");
  });

  it("registers the account with the organisation's e-mail and a generated key, at the production directory", () => {
    const [registration] = resources(synthesized, "acme_registration");
    expect(registration.email_address).toBe("hostmaster@faalkaart.nl");
    expect(registration.account_key_pem).toMatch(/^\$\{tls_private_key\.[\w-]+\.private_key_pem\}$/);
    expect(certificate.account_key_pem).toMatch(/acme_registration\.[\w-]+\.account_key_pem/);
    expect(synthesized.provider.acme).toEqual([
      { server_url: "https://acme-v02.api.letsencrypt.org/directory" },
    ]);
  });

  it("hands nginx the full chain: the leaf followed by the issuer", () => {
    expect(synthesized.output.chain.value).toMatch(
      /join\("", \[acme_certificate\.[\w-]+\.certificate_pem, acme_certificate\.[\w-]+\.issuer_pem\]\)/,
    );
    expect(certificates.trustAnchorFor(host)).toBeUndefined();
  });

  it("keeps private keys out of the configuration", () => {
    expect(privateKeyMentions(synthesized)).toEqual([
      expect.stringMatching(/^\$\.resource\.acme_registration\.[\w-]+\.account_key_pem$/),
    ]);
  });
});

describe("Certificates on day two", () => {
  const { synthesized } = synthCertificates();
  const [registration] = resources(synthesized, "acme_registration");
  const [certificate] = resources(synthesized, "acme_certificate");
  const [accountKey] = resources(synthesized, "tls_private_key");

  it("gives a new e-mail a new account key, registered before the old account is deactivated", () => {
    // email_address forces a new acme_registration, whose destroy deactivates the account; an account key
    // that was deactivated can never register again (RFC 8555, 7.3.6). So the key follows the e-mail.
    const [emailKeeper] = Object.entries(synthesized.resource.terraform_data ?? {}).filter(
      ([, data]) => (data as Record<string, any>).triggers_replace?.email === "hostmaster@faalkaart.nl",
    );
    expect(emailKeeper).toBeDefined();
    expect(accountKey.lifecycle).toEqual({
      create_before_destroy: true,
      replace_triggered_by: [`terraform_data.${emailKeeper[0]}`],
    });
    expect(registration.lifecycle).toEqual({ create_before_destroy: true });
  });

  it("issues a changed certificate before the old one goes, and never revokes on a routine replacement", () => {
    expect(certificate.lifecycle).toEqual({ create_before_destroy: true });
    expect(certificate.revoke_certificate_on_destroy).toBe(false);
  });
});

describe("Certificates with other settings", () => {
  it("uses the staging directory, another lego DNS provider and an RSA key when the file says so", () => {
    const { synthesized } = synthCertificates((d) => {
      d.acme = {
        email: "ops@faalkaart.nl",
        directory: "staging",
        dnsProvider: "cloudflare",
        keyType: "2048",
      };
    });
    const [certificate] = resources(synthesized, "acme_certificate");
    expect(synthesized.provider.acme[0].server_url).toBe(
      "https://acme-staging-v02.api.letsencrypt.org/directory",
    );
    expect(certificate.dns_challenge).toEqual([{ provider: "cloudflare" }]);
    expect(certificate.key_type).toBe("2048");
  });

  it("uses another ACME CA by its directory URL, with lego's exec DNS provider and the resolvers named", () => {
    const { synthesized } = synthCertificates((d) => {
      d.acme = {
        email: "ops@example.org",
        directory: "https://pebble.rehearsal.test:14000/dir",
        dnsProvider: "exec",
        recursiveNameservers: ["10.53.0.2:8053", "[fd00::53]:53"],
        disableCompletePropagation: true,
      };
    });
    const [certificate] = resources(synthesized, "acme_certificate");
    expect(synthesized.provider.acme).toEqual([{ server_url: "https://pebble.rehearsal.test:14000/dir" }]);
    expect(certificate.dns_challenge).toEqual([{ provider: "exec" }]);
    expect(certificate.recursive_nameservers).toEqual(["10.53.0.2:8053", "[fd00::53]:53"]);
    expect(certificate.disable_complete_propagation).toBe(true);
  });

  it("keeps lego's own resolvers and its complete-propagation check unless the file says otherwise", () => {
    const [certificate] = resources(synthCertificates().synthesized, "acme_certificate");
    expect(certificate).not.toHaveProperty("recursive_nameservers");
    expect(certificate.disable_complete_propagation).toBe(false);
  });

  it("self-signs the same names without any ACME provider in self-signed mode", () => {
    const { synthesized, certificates, host } = synthCertificates((d) => {
      d.acme.mode = "self-signed";
    });
    expect(synthesized.provider.acme).toBeUndefined();
    expect(resources(synthesized, "acme_certificate")).toHaveLength(0);
    const [certificate] = resources(synthesized, "tls_self_signed_cert");
    expect(certificate.dns_names).toEqual([
      "faalserver.faalkaart.nl",
      "faalkaart.nl",
      "www.faalkaart.nl",
      "admin.faalkaart.nl",
      "staging.faalkaart.nl",
      "admin.staging.faalkaart.nl",
    ]);
    expect(certificate.allowed_uses).toContain("server_auth");
    const [key] = resources(synthesized, "tls_private_key");
    expect(key).toMatchObject({ algorithm: "ECDSA", ecdsa_curve: "P256" });
    expect(certificates.trustAnchorFor(host)).toBe(certificates.certificateFor(host).certificatePem);
  });

  it("says which host is missing when asked for a certificate it did not issue", () => {
    const { certificates } = synthCertificates();
    const other = testStack("other.example.org").host;
    expect(() => certificates.certificateFor(other)).toThrow(
      /no certificate for host 'main'; add it to sites/,
    );
  });
});
