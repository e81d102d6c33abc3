// Refreshes providers/schemas/*.json from the real providers with `terraform providers schema -json`.
// Needs a reachable Terraform registry (it cannot run in the offline build sandbox). Afterwards run
// `npm install` (which regenerates .gen/) and review the diff of the schemas and the synthesized stacks.
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const { terraformProviders } = JSON.parse(fs.readFileSync(path.join(root, "cdktf.json"), "utf8"));
const terraform = process.env.TERRAFORM_BINARY_NAME ?? "terraform";
const outDir = path.join(root, "providers", "schemas");

for (const spec of terraformProviders) {
  const [source, version] = spec.split("@");
  const name = source.split("/")[1];
  const address = `registry.terraform.io/${source}`;
  const work = fs.mkdtempSync(path.join(os.tmpdir(), `schema-${name}-`));
  fs.writeFileSync(
    path.join(work, "main.tf.json"),
    JSON.stringify({ terraform: { required_providers: { [name]: { source, version } } } }),
  );
  execFileSync(terraform, ["init", "-input=false", "-backend=false"], { cwd: work, stdio: "inherit" });
  const schema = JSON.parse(
    execFileSync(terraform, ["providers", "schema", "-json"], { cwd: work, maxBuffer: 256 * 1024 * 1024 }),
  );
  for (const file of fs.readdirSync(outDir).filter((f) => f.startsWith(`${name}@`))) {
    fs.rmSync(path.join(outDir, file));
  }
  const target = path.join(outDir, `${name}@${version}.json`);
  fs.writeFileSync(
    target,
    `${JSON.stringify({ ...schema, provider_versions: { [address]: version } }, null, 2)}\n`,
  );
  fs.rmSync(work, { recursive: true, force: true });
  console.log(`refreshed ${path.relative(root, target)}`);
}
