// Generates the hcloud and acme bindings into .gen/ from the committed schemas,
// so that no Terraform registry and no terraform binary is needed (runs on npm install).
import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import path from "node:path";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const cli = path.join(root, "node_modules", "cdktf-cli", "bundle", "bin", "cdktf");

// stderr is kept back and shown only on failure: the CLI probes terraform's config and warns
// about a missing ~/.terraformrc, which is noise here.
try {
  execFileSync(process.execPath, [cli, "get", "--force"], {
    cwd: root,
    stdio: ["ignore", "pipe", "pipe"],
    env: {
      ...process.env,
      CHECKPOINT_DISABLE: "1",
      CDKTF_EXPERIMENTAL_PROVIDER_SCHEMA_CACHE_PATH: path.join(root, "providers", "schemas"),
    },
  });
} catch (error) {
  process.stderr.write(String(error.stdout ?? "") + String(error.stderr ?? ""));
  console.error(
    "generating provider bindings failed: check providers/schemas/ and cdktf.json terraformProviders",
  );
  process.exit(1);
}
console.log("provider bindings generated offline into .gen/ from providers/schemas/");
