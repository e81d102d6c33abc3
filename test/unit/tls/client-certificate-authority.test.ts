import { resolveOrganisation } from "../../../config/model/organisation-model";
import { TerraformOutput } from "cdktf";
import { ClientCertificateAuthority } from "../../../constructs/tls/client-certificate-authority";
import {
  CLIENT_CA_OUTPUT,
  CLIENT_CERTIFICATES_OUTPUT,
} from "../../../constructs/tls/client-certificate-outputs";
import { loadExample } from "../../support/organisations";
import { privateKeyMentions, resources, synth, testStack } from "./synth";

function synthCa(props: Partial<ConstructorParameters<typeof ClientCertificateAuthority>[2]> = {}) {
  const { stack } = testStack();
  const ca = new ClientCertificateAuthority(stack, "client-ca", {
    organisation: "faalkaart",
    admins: ["johan", "elger"],
    workers: ["scanner-amsterdam", "scanners-1"],
    ...props,
  });
  new TerraformOutput(stack, "admin-dns", { value: ca.clientDns("admin") });
  new TerraformOutput(stack, "worker-dns", { value: ca.clientDns("worker") });
  return { synthesized: synth(stack), ca };
}

describe("ClientCertificateAuthority", () => {
  const { synthesized } = synthCa();
  const requests = resources(synthesized, "tls_cert_request");
  const signed = resources(synthesized, "tls_locally_signed_cert");

  it("is a CA certificate of its own", () => {
    const [ca] = resources(synthesized, "tls_self_signed_cert");
    expect(ca).toMatchObject({
      is_ca_certificate: true,
      subject: [{ common_name: "faalkaart client CA", organization: "faalkaart" }],
    });
    expect(ca.allowed_uses).toContain("cert_signing");
  });

  it("issues one certificate per admin and worker, CN=name O=organisation, with a random serialNumber each", () => {
    expect(requests.map((r) => r.subject[0].common_name).sort()).toEqual(
      ["elger", "johan", "scanner-amsterdam", "scanners-1"].sort(),
    );
    for (const request of requests) {
      expect(request.subject[0].organization).toBe("faalkaart");
      expect(request.subject[0].serial_number).toMatch(/^\$\{random_id\.[\w-]+\.hex\}$/);
    }
    expect(new Set(requests.map((r) => r.subject[0].serial_number)).size).toBe(4);
    expect(resources(synthesized, "random_id").every((r) => r.byte_length === 16)).toBe(true);
  });

  it("signs client-auth certificates for a year, renewed a month early by default", () => {
    for (const certificate of signed) {
      expect(certificate).toMatchObject({ validity_period_hours: 365 * 24, early_renewal_hours: 30 * 24 });
      expect(certificate.allowed_uses).toEqual(["digital_signature", "client_auth"]);
    }
  });

  it("takes another lifetime", () => {
    const custom = resources(
      synthCa({ validityDays: 90, renewBeforeDays: 10 }).synthesized,
      "tls_locally_signed_cert",
    );
    expect(custom[0]).toMatchObject({ validity_period_hours: 90 * 24, early_renewal_hours: 10 * 24 });
    expect(() => synthCa({ validityDays: 20, renewBeforeDays: 30 })).toThrow(
      /must be less than validityDays/,
    );
  });

  it("lists admins and workers apart, as nginx prints their subjects", () => {
    const serial = (name: string) =>
      requests.find((r) => r.subject[0].common_name === name)!.subject[0].serial_number as string;
    expect(synthesized.output["admin-dns"].value).toEqual([
      `serialNumber=${serial("johan")},CN=johan,O=faalkaart`,
      `serialNumber=${serial("elger")},CN=elger,O=faalkaart`,
    ]);
    expect(synthesized.output["worker-dns"].value).toEqual([
      `serialNumber=${serial("scanner-amsterdam")},CN=scanner-amsterdam,O=faalkaart`,
      `serialNumber=${serial("scanners-1")},CN=scanners-1,O=faalkaart`,
    ]);
  });

  it("exports certificates and keys only in one sensitive output, and the CA in a public one", () => {
    const outputs = synthesized.output;
    expect(outputs[CLIENT_CERTIFICATES_OUTPUT].sensitive).toBe(true);
    expect(Object.keys(outputs[CLIENT_CERTIFICATES_OUTPUT].value).sort()).toEqual(
      ["elger", "johan", "scanner-amsterdam", "scanners-1"].sort(),
    );
    expect(outputs[CLIENT_CA_OUTPUT].sensitive).toBeUndefined();
    expect(outputs[CLIENT_CA_OUTPUT].value).toMatch(/^\$\{tls_self_signed_cert\.[\w-]+\.cert_pem\}$/);

    const outsideResources = privateKeyMentions({ ...synthesized, resource: undefined });
    expect(outsideResources.sort()).toEqual(
      ["elger", "johan", "scanner-amsterdam", "scanners-1"]
        .map((n) => `$.output.${CLIENT_CERTIFICATES_OUTPUT}.value.${n}.private_key_pem`)
        .sort(),
    );
    expect(
      privateKeyMentions(synthesized.resource).every((at) =>
        /\.(private_key_pem|ca_private_key_pem)$/.test(at),
      ),
    ).toBe(true);
  });

  it("refuses a name that would get two certificates", () => {
    expect(() => synthCa({ admins: ["scanners-1"] })).toThrow(
      /'scanners-1' would get two client certificates/,
    );
  });
});

describe("the certificate holders of the organisation model", () => {
  it("gives admins, unmanaged clients and every managed worker host a certificate", () => {
    const org = loadExample("faalkaart", (d) => {
      d.users[1].admin = false;
      d.remoteWorkers.hosts.scanners.count = 2;
    });
    expect(resolveOrganisation(org).certificateHolders).toEqual({
      admins: ["johan"],
      workers: ["scanner-amsterdam", "scanners-1", "scanners-2"],
    });
  });

  it("gives no worker certificates without remote workers", () => {
    const org = loadExample("faalkaart", (d) => delete d.remoteWorkers);
    expect(resolveOrganisation(org).certificateHolders.workers).toEqual([]);
  });
});
