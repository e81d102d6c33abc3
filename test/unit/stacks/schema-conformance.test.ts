import path from "node:path";
import { loadOrganisations } from "../../../config/load";
import { blockErrors, checkStack, loadProviderSchemas } from "../../support/schema-conformance";
import { ORGANISATIONS_DIR, synthOrganisation } from "../../support/organisations";

const schemas = loadProviderSchemas(path.resolve(__dirname, "../../../providers/schemas"));
// These come from typed prebuilt @cdktf/provider-* packages, and terraform_data from cdktf itself (it is
// built into Terraform); no schema file is committed for them.
const PREBUILT = new Set(["docker", "null", "tls", "random", "terraform"]);

describe("every synthesized stack conforms to the committed provider schemas", () => {
  const organisations = loadOrganisations(ORGANISATIONS_DIR);

  it.each(organisations.map((o) => [o.organisation.name, o.organisation] as const))(
    "org-%s",
    (_name, org) => {
      const report = checkStack(synthOrganisation(org), schemas);
      expect(report.errors).toEqual([]);
      for (const type of report.unchecked) {
        expect(PREBUILT).toContain(type.split(".")[1].split("_")[0]);
      }
    },
  );

  it("checks hcloud resources for real", () => {
    const [faalkaart] = organisations.filter((o) => o.organisation.name === "faalkaart");
    const report = checkStack(synthOrganisation(faalkaart.organisation), schemas);
    expect([...report.checked]).toEqual(
      expect.arrayContaining([
        "resource.hcloud_server",
        "resource.hcloud_firewall",
        "resource.hcloud_ssh_key",
      ]),
    );
  });
});

describe("the conformance checker catches what Terraform would reject", () => {
  const server = schemas.get("hcloud")!.resource_schemas.hcloud_server.block;
  const firewall = schemas.get("hcloud")!.resource_schemas.hcloud_firewall.block;
  const base = { name: "s", server_type: "cx22" };

  it.each([
    ["an unknown attribute", { ...base, colour: "red" }, /colour: is not an attribute/],
    ["a missing required attribute", { name: "s" }, /server_type: is required/],
    ["a literal of the wrong type", { ...base, backups: "yes" }, /backups: expected bool/],
    ["a computed-only attribute", { ...base, ipv4_address: "192.0.2.1" }, /ipv4_address: is computed/],
    ["a block nested the wrong way", { ...base, public_net: "on" }, /public_net: block must be a list/],
    [
      "a wrong type inside a block",
      { ...base, public_net: [{ ipv4_enabled: 1 }] },
      /ipv4_enabled: expected bool/,
    ],
  ])("%s", (_what, config, expected) => {
    expect(blockErrors(config, server, "hcloud_server.x").join("\n")).toMatch(expected);
  });

  it("accepts Terraform expressions for any type", () => {
    expect(blockErrors({ ...base, backups: "${var.backups}" }, server, "x")).toEqual([]);
  });

  it("checks list element types", () => {
    const rule = [{ direction: "in", protocol: "tcp", source_ips: [1] }];
    expect(blockErrors({ name: "f", rule }, firewall, "f").join()).toMatch(
      /source_ips\[0\]: expected string/,
    );
  });
});
