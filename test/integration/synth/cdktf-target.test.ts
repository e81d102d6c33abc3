import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { exampleText } from "../../support/organisations";
import { terraformStub } from "../../support/terraform-stub";

const ROOT = path.resolve(__dirname, "../../..");
const CLI = path.join(ROOT, "node_modules/cdktf-cli/bundle/bin/cdktf");

/** Runs the real cdktf CLI in the project on two organisation files; the stacks it synthesized. */
async function stacksAfter(args: string[]): Promise<string[]> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "failmap-cdktf-target-"));
  try {
    const organisations = path.join(dir, "organisations");
    fs.mkdirSync(organisations);
    fs.writeFileSync(path.join(organisations, "faalkaart.yaml"), exampleText());
    fs.writeFileSync(path.join(organisations, "failmap-uk.yaml"), exampleText("failmap-uk"));
    const out = path.join(dir, "out");
    const child = spawn(process.execPath, [CLI, ...args, "--output", out], {
      cwd: ROOT,
      stdio: "ignore",
      env: {
        ...process.env,
        CHECKPOINT_DISABLE: "1",
        FAILMAP_ORGANISATIONS_DIR: organisations,
        // Terraform is not needed: the command stops at the stub's first plan, after the synth.
        TERRAFORM_BINARY_NAME: terraformStub(dir).binary,
      },
    });
    await new Promise((resolve) => child.on("close", resolve));
    const manifest = JSON.parse(fs.readFileSync(path.join(out, "manifest.json"), "utf8"));
    return Object.keys(manifest.stacks).sort();
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

// Budgets: three times the 28 s and 34 s measured with stress-ng --cpu 2 beside other work (load 15).
describe("the cdktf CLI, which does not tell the app which stack it wants", () => {
  it("cdktf diff org-failmap-uk among two files synthesizes only org-failmap-uk", async () => {
    expect(await stacksAfter(["diff", "org-failmap-uk"])).toEqual(["org-failmap-uk"]);
  }, 105_000);

  it("cdktf synth synthesizes every stack", async () => {
    expect(await stacksAfter(["synth"])).toEqual(["org-faalkaart", "org-failmap-uk"]);
  }, 105_000);
});
