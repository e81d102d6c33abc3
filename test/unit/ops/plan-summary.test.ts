import fs from "node:fs";
import path from "node:path";
import { parsePlanJson } from "../../../ops/plan-summary/parse-json";
import type { PlanJson } from "../../../ops/plan-summary/plan-json";
import { classifyScheduledPlan } from "../../../ops/plan-summary/renewal";
import { renderSummary } from "../../../ops/plan-summary/render";

const fixture = (name: string) =>
  fs.readFileSync(path.join(__dirname, "../../fixtures/ops/plan", name), "utf8");
const planJson = (name: string) => JSON.parse(fixture(name)) as PlanJson;

describe("plan summary from terraform show -json", () => {
  test("counts a replacement as one add and one destroy and names the forcing attribute", () => {
    const plan = parsePlanJson(planJson("plan-mixed.json"));
    expect(plan.counts).toEqual({ add: 3, change: 1, destroy: 2 });
    expect(plan.changes).toContainEqual({
      address: "hcloud_server.main_server_9F8E7D6C",
      action: "replace",
      forcedBy: ["image"],
    });
    expect(renderSummary("org-faalkaart", plan)).toContain(
      "**⚠ REPLACES hcloud_server.main_server_9F8E7D6C** (forced by image)",
    );
    expect(plan.drift).toEqual([
      { address: "docker_container.production_scheduler_container_8D9E0F1A", action: "delete" },
    ]);
  });

  test("leaves out no-ops; a data source read is listed but not counted", () => {
    const plan = parsePlanJson(planJson("plan-renewal.json"));
    expect(plan.changes.map((c) => c.address)).not.toContain("hcloud_server.main_server_9F8E7D6C");
    expect(plan.changes).toContainEqual({ address: "data.hcloud_zone.zone", action: "read" });
    expect(plan.counts).toEqual({ add: 1, change: 1, destroy: 1 });
  });
  test("a certificate the tls provider found due is a renewal, not drift", () => {
    // Its read sets ready_for_renewal in state, which terraform reports in resource_drift.
    const plan = parsePlanJson(planJson("plan-client-certificate-renewal.json"));
    expect(plan.drift).toEqual([]);
    expect(renderSummary("org-faalkaart", plan)).not.toContain("Drift");
  });
});

describe("what the scheduled job may apply unattended", () => {
  test("a certificate renewal and the upload of the new certificate", () => {
    expect(classifyScheduledPlan(planJson("plan-renewal.json"))).toEqual({
      verdict: "renewal",
      renewals: [
        "acme_certificate.production_certificate_6A7B8C9D",
        "null_resource.webserver_certificates_files_2B3C4D5E",
      ],
      others: [],
    });
  });

  test("not when the plan also holds drift or undeployed changes", () => {
    const result = classifyScheduledPlan(planJson("plan-mixed.json"));
    expect(result.verdict).toBe("changes");
    expect(result.others).toEqual([
      "null_resource.webserver_config_files_4D5E6F7A",
      "docker_container.production_scheduler_container_8D9E0F1A",
      "hcloud_server.main_server_9F8E7D6C",
    ]);
  });

  test("a client certificate the tls provider renews by replacement, and the upload of the new one", () => {
    // tls_locally_signed_cert inside early_renewal_hours: ready_for_renewal forces the replacement.
    expect(classifyScheduledPlan(planJson("plan-client-certificate-renewal.json"))).toEqual({
      verdict: "renewal",
      renewals: [
        "tls_locally_signed_cert.client-ca_client-scanners-1_certificate_23CDA26E",
        "null_resource.remote-workers_scanners-1_tls_files_7580598A",
      ],
      others: [],
    });
  });

  test("a renewed client CA, and the client certificates it signs again", () => {
    // The CA is due; every client certificate is replaced because its ca_cert_pem is not known until then.
    const result = classifyScheduledPlan(planJson("plan-client-ca-renewal.json"));
    expect(result.others).toEqual([]);
    expect(result.verdict).toBe("renewal");
    expect(result.renewals).toEqual(
      expect.arrayContaining([
        "tls_self_signed_cert.client-ca_ADBB8378",
        "tls_locally_signed_cert.client-ca_client-johan_certificate_1F4A7090",
        "tls_locally_signed_cert.client-ca_client-scanners-1_certificate_23CDA26E",
        "null_resource.webserver_files_335EA4C8",
      ]),
    );
  });

  test("not a tls certificate replaced by a change of its own arguments", () => {
    const plan = planJson("plan-client-certificate-renewal.json");
    const [certificate, ...rest] = plan.resource_changes ?? [];
    const edited = {
      ...certificate,
      change: { ...certificate.change, replace_paths: [["validity_period_hours"], ["ready_for_renewal"]] },
    };
    const result = classifyScheduledPlan({ ...plan, resource_changes: [edited, ...rest] });
    expect(result.verdict).toBe("changes");
    expect(result.others).toEqual([certificate.address]);
  });

  test("not client certificates signed again by a CA that a commit changed", () => {
    const plan = planJson("plan-client-ca-renewal.json");
    const changes = (plan.resource_changes ?? []).map((rc) =>
      rc.type === "tls_self_signed_cert"
        ? { ...rc, change: { ...rc.change, replace_paths: [["subject", 0, "organization"]] } }
        : rc,
    );
    const result = classifyScheduledPlan({ ...plan, resource_changes: changes });
    expect(result.verdict).toBe("changes");
    expect(result.others).toEqual(["tls_self_signed_cert.client-ca_ADBB8378"]);
  });

  test("not an ACME certificate whose arguments a commit changed, in place or by replacement", () => {
    const plan = planJson("plan-renewal.json");
    const [certificate, ...rest] = plan.resource_changes ?? [];
    const withCertificate = (change: object) =>
      classifyScheduledPlan({
        ...plan,
        resource_changes: [{ ...certificate, change: { ...certificate.change, ...change } }, ...rest],
      });
    // revoke_certificate_on_destroy changed: an update, but the certificate stays (certificate_pem known).
    expect(withCertificate({ after_unknown: {} }).verdict).toBe("changes");
    // A new name: the provider replaces the certificate (subject_alternative_names is ForceNew).
    expect(
      withCertificate({ actions: ["create", "delete"], replace_paths: [["subject_alternative_names"]] })
        .verdict,
    ).toBe("changes");
  });

  test("nothing to do when every change is a no-op", () => {
    expect(classifyScheduledPlan(planJson("plan-no-changes.json")).verdict).toBe("none");
  });

  test("an upload with unknown content alone is no renewal", () => {
    const plan = planJson("plan-renewal.json");
    const withoutCertificate = { ...plan, resource_changes: plan.resource_changes?.slice(1) };
    expect(classifyScheduledPlan(withoutCertificate).verdict).toBe("changes");
  });
});
