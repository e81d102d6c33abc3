import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { exampleText } from "../../support/organisations";
import { runApp } from "../../support/run-app";
import { terraformStub } from "../../support/terraform-stub";

describe("the Terraform version check at synth", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "failmap-tf-version-"));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("asks Terraform its version once for all stacks, not once per terraform_data resource", async () => {
    const terraform = terraformStub(dir);
    const run = await runApp(
      { "faalkaart.yaml": exampleText(), "failmap-uk.yaml": exampleText("failmap-uk") },
      { TERRAFORM_BINARY_NAME: terraform.binary },
    );
    expect(run.status).toBe(0);
    expect(run.written).toContain(path.join("stacks", "org-failmap-uk", "cdk.tf.json"));
    expect(terraform.calls()).toEqual(["version"]);
  }, 30_000); // 5.2 s loaded
});
