import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { exampleText } from "../../support/organisations";

const ROOT = path.resolve(__dirname, "../../..");

/** Runs the cdktf app as `cdktf synth` does, on a folder of organisation files. */
function runApp(files: Record<string, string>) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "failmap-app-"));
  const organisations = path.join(dir, "organisations");
  fs.mkdirSync(organisations);
  for (const [name, text] of Object.entries(files)) fs.writeFileSync(path.join(organisations, name), text);
  const outdir = path.join(dir, "out");
  const result = spawnSync(process.execPath, [path.join(ROOT, "scripts/operator/run-app.mjs")], {
    cwd: dir,
    encoding: "utf8",
    env: { ...process.env, FAILMAP_ORGANISATIONS_DIR: organisations, CDKTF_OUTDIR: outdir },
  });
  const written = fs.existsSync(outdir) ? fs.readdirSync(outdir, { recursive: true }) : [];
  fs.rmSync(dir, { recursive: true, force: true });
  return { ...result, written };
}

describe("the cdktf app", () => {
  it("synthesizes one stack per organisation file", () => {
    const run = runApp({ "faalkaart.yaml": exampleText(), "failmap-uk.yaml": exampleText("failmap-uk") });
    expect(run.status).toBe(0);
    expect(run.written).toEqual(
      expect.arrayContaining([
        path.join("stacks", "org-faalkaart", "cdk.tf.json"),
        path.join("stacks", "org-failmap-uk", "cdk.tf.json"),
      ]),
    );
    expect(run.stdout).toContain("org-faalkaart: no state bucket");
  });

  it("synthesizes nothing when one file is bad, and names the file and field", () => {
    const run = runApp({
      "faalkaart.yaml": exampleText(),
      "failmap-uk.yaml": exampleText("failmap-uk").replace("ops@failmap.co.uk", "not-an-address"),
    });
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(/failmap-uk\.yaml:\d+: acme\.email: is not an e-mail address/);
    expect(run.stderr).toContain("nothing was synthesized");
    expect(run.written).toEqual([]);
  });
});
