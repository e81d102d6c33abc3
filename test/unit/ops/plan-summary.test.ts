import fs from "node:fs";
import path from "node:path";
import { parsePlanJson, type PlanJson } from "../../../ops/plan-summary/parse-json";
import { parsePlanText } from "../../../ops/plan-summary/parse-text";
import { classifyScheduledPlan } from "../../../ops/plan-summary/renewal";
import { renderSummary } from "../../../ops/plan-summary/render";

const fixture = (name: string) =>
  fs.readFileSync(path.join(__dirname, "../../fixtures/ops/plan", name), "utf8");
const planJson = (name: string) => JSON.parse(fixture(name)) as PlanJson;

describe("plan summary from cdktf diff text", () => {
  const plan = parsePlanText(fixture("cdktf-diff-replace.txt"));

  test("takes the counts from the Plan line", () => {
    expect(plan.counts).toEqual({ add: 3, change: 1, destroy: 3 });
  });

  test("finds every resource action, behind cdktf's stack prefix", () => {
    expect(plan.changes.map((c) => [c.address, c.action])).toEqual([
      ["docker_container.production_frontend_container_5E6F7A8B", "update"],
      ["hcloud_server.main_server_9F8E7D6C", "replace"],
      ["null_resource.main_bootstrap_run_3C4D5E6F", "replace"],
      ["docker_container.staging_interactive_container_7B8C9D0E", "delete"],
      ["docker_container.production_interactive_container_1A2B3C4D", "create"],
    ]);
  });

  test("keeps drift apart from planned changes", () => {
    expect(plan.drift).toEqual([{ address: "hcloud_firewall.main_firewall_0A1B2C3D", action: "update" }]);
  });

  test("flags a replacement loudly, with the attribute that forces it", () => {
    const markdown = renderSummary("org-faalkaart", plan);
    expect(markdown).toContain("### org-faalkaart: 3 to add, 1 to change, 3 to destroy");
    expect(markdown).toContain("**⚠ REPLACES hcloud_server.main_server_9F8E7D6C** (forced by image)");
    expect(markdown).toContain(
      "**⚠ REPLACES null_resource.main_bootstrap_run_3C4D5E6F** (forced by triggers)",
    );
    // Replacements head the table, before destroys and creates.
    const rows = markdown.split("\n").filter((l) => l.startsWith("| ") && l.includes("`"));
    expect(rows[0]).toContain("hcloud_server.main_server_9F8E7D6C");
    expect(rows[2]).toContain("| - | `docker_container.staging_interactive_container_7B8C9D0E` | destroy |");
  });

  test("reads a log that kept its colour codes", () => {
    const coloured =
      "\x1b[1m  # hcloud_server.main\x1b[0m will be created\n\x1b[1mPlan:\x1b[0m 1 to add, 0 to change, 0 to destroy.";
    expect(parsePlanText(coloured).changes).toEqual([{ address: "hcloud_server.main", action: "create" }]);
  });

  test("says so when there is nothing to do", () => {
    const quiet = parsePlanText(fixture("terraform-plan-no-changes.txt"));
    expect(quiet.counts).toEqual({ add: 0, change: 0, destroy: 0 });
    expect(renderSummary("org-x", quiet)).toContain(
      "No changes: the infrastructure matches the configuration.",
    );
  });

  test("says so when the output holds no plan because planning failed", () => {
    const failed = parsePlanText(fixture("cdktf-diff-failed.txt"));
    expect(failed.found).toBe(false);
    expect(renderSummary("org-faalkaart", failed)).toContain("planning failed before it finished");
  });
});

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

  test("nothing to do when every change is a no-op", () => {
    expect(classifyScheduledPlan(planJson("plan-no-changes.json")).verdict).toBe("none");
  });

  test("an upload with unknown content alone is no renewal", () => {
    const plan = planJson("plan-renewal.json");
    const withoutCertificate = { ...plan, resource_changes: plan.resource_changes?.slice(1) };
    expect(classifyScheduledPlan(withoutCertificate).verdict).toBe("changes");
  });
});
