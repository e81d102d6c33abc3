import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { loadOrganisations } from "../../config/load";
import { describeMissing, preparePlugins } from "../../ops/providers/installation";
import { validateStack } from "../../ops/terraform/check-stack";
import { PROJECT_ROOT } from "../../ops/organisations/select";
import { ORGANISATIONS_DIR } from "../support/organisations";

/*
 * `npm run validate`, the command itself: Terraform's `init` and `validate` of every organisation's stack,
 * with the real plugins where they are on this machine. Only the blocks of a provider whose plugin is missing
 * are read as terraform_data (projection.ts), and the command says so. The only run of validate in `npm test`.
 */
test("npm run validate checks every organisation's stack with the plugins found here", () => {
  const missing = describeMissing(preparePlugins());
  const run = spawnSync("npx", ["tsx", "scripts/dev/validate.ts"], {
    cwd: PROJECT_ROOT,
    encoding: "utf8",
  });
  const output = `${run.stdout}${run.stderr}`;
  expect(run.status === 0 || output).toBe(true);
  for (const { organisation } of loadOrganisations(ORGANISATIONS_DIR)) {
    expect(run.stdout).toMatch(new RegExp(`^org-${organisation.name}: valid`, "m"));
  }
  if (missing) expect(run.stderr).toContain(missing);
  else expect(output).not.toMatch(/PARTIAL|provider plugins not found/);
}, 600_000);

test("a warning fails validation, named with its stack, address and construct path", () => {
  preparePlugins();
  const workdir = fs.mkdtempSync(path.join(os.tmpdir(), "failmap-validate-"));
  try {
    // random 3.7.2 deprecates `number` in favour of `numeric`: a warning, not an error, to Terraform.
    const stack = {
      terraform: { required_providers: { random: { source: "hashicorp/random", version: "3.7.2" } } },
      resource: {
        random_password: {
          admin: { "//": { metadata: { path: "org-x/admin/password" } }, length: 32, number: true },
        },
      },
    };
    fs.writeFileSync(path.join(workdir, "cdk.tf.json"), JSON.stringify(stack, null, 2));
    const check = { stack: "org-x", workdir, missingProviders: [], projected: [] };
    expect(() => validateStack(check)).toThrow(
      /^org-x: warning: Attribute Deprecated at random_password\.admin \(org-x\/admin\/password\), cdk\.tf\.json line \d+: .*use `numeric` instead/,
    );
  } finally {
    fs.rmSync(workdir, { recursive: true, force: true });
  }
}, 120_000);
