import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { loadOrganisations } from "../../../config/load";
import { backendSettings } from "../../../stacks/backend-settings";
import { stackDir } from "../../../ops/organisations/select";
import { missingTerraform, terraform, terraformBinary } from "../../../ops/state/terraform";
import { withStateWorkdir } from "../../../ops/state/workdir";
import { startLocalS3, type LocalS3 } from "../../terraform/s3/local-s3";

/*
 * The state tool against the local S3 (rehearsal/s3) on loopback over plain HTTP, through the same backend
 * block the stack synthesizes (custom endpoint: path style, skip flags, use_lockfile), with the credentials
 * checked. The lock itself is proven in test/terraform/s3/state-locking.test.ts. The server runs in its own
 * process: terraform is called synchronously and would otherwise starve it.
 */
const ROOT = path.resolve(__dirname, "../../..");
const FIXTURE = path.join(ROOT, "test/fixtures/ops/state/faalkaart-state.json");
const BUCKET = "failmap-state";
const CREDENTIALS = { accessKeyId: "STATETESTACCESSKEY01", secretAccessKey: "state-test-secret" };

function requireTerraform(): void {
  if (spawnSync(terraformBinary(), ["version"]).error) throw new Error(missingTerraform());
}

describe("npm run state against an S3-compatible bucket", () => {
  let s3: LocalS3 | undefined;
  let dataDir: string;
  let env: NodeJS.ProcessEnv;
  let pulledLineage: string | undefined;

  beforeAll(async () => {
    requireTerraform();
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "failmap-state-s3-"));
    s3 = await startLocalS3({ dir: dataDir, bucket: BUCKET, credentials: CREDENTIALS });
    env = {
      ...process.env,
      FAILMAP_STATE_BUCKET: BUCKET,
      FAILMAP_STATE_ENDPOINT: s3.endpoint,
      AWS_ACCESS_KEY_ID: CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: CREDENTIALS.secretAccessKey,
    };
  });

  afterAll(async () => {
    await s3?.stop();
    if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  });

  const operator = (script: string, args: string[], extraEnv: NodeJS.ProcessEnv = {}) =>
    spawnSync(path.join(ROOT, "node_modules/.bin/tsx"), [`scripts/operator/${script}.ts`, ...args], {
      cwd: ROOT,
      env: { ...env, ...extraEnv },
      encoding: "utf8",
    });
  const run = (...args: string[]) => operator("state", args);
  const state = (...args: string[]) => {
    const result = run(...args);
    if (result.status !== 0) throw new Error(`state ${args.join(" ")} failed:\n${result.stderr}`);
    return result;
  };

  test("reads back a state pushed through the stack's backend block", () => {
    const faalkaart = loadOrganisations(path.join(ROOT, "organisations")).find(
      (o) => o.organisation.name === "faalkaart",
    )!.organisation;
    const settings = backendSettings(faalkaart, env);
    expect(settings).toMatchObject({ kind: "s3", key: "failmap/faalkaart.tfstate" });
    withStateWorkdir(
      settings,
      stackDir("faalkaart"),
      (dir, tfEnv) => terraform(["state", "push", FIXTURE], dir, tfEnv),
      env,
    );

    const listed = state("faalkaart", "list");
    expect(listed.stderr).toContain(`state of org-faalkaart: s3://${BUCKET}/failmap/faalkaart.tfstate`);
    expect(listed.stdout.trim().split("\n")).toEqual([
      "hcloud_server.main_server_9F8E7D6C",
      'random_id.client_serial["alice"]',
      'random_id.client_serial["scanner-amsterdam"]',
      "random_password.production_db-full_password_1A2B3C4D",
      "module.monitoring.data.hcloud_zone.zone",
    ]);

    const pulled = JSON.parse(state("faalkaart", "pull").stdout);
    const fixture = JSON.parse(fs.readFileSync(FIXTURE, "utf8"));
    expect(pulled.resources).toEqual(fixture.resources);
    pulledLineage = pulled.lineage;

    const shown = state("faalkaart", "show", "random_password.production_db-full_password_1A2B3C4D").stdout;
    expect(shown).toMatch(/length\s+= 32/);
    expect(shown).toMatch(/result\s+= "\(sensitive\)"/);
    expect(shown).not.toContain(fixture.resources[2].instances[0].attributes.result);
  });

  test("the state sits at the organisation's key, and no lock file is left behind", () => {
    expect(pulledLineage).toBeDefined();
    const objects = s3!.objects(BUCKET);
    const stored = objects.get("failmap/faalkaart.tfstate");
    expect(stored).toBeDefined();
    expect((JSON.parse(stored!.body.toString()) as { lineage: string }).lineage).toBe(pulledLineage);
    expect(objects.has("failmap/faalkaart.tfstate.tflock")).toBe(false);
  });

  test("an organisation with no state yet says so, and how to deploy it", () => {
    const neverDeployed =
      `org-failmap-uk has no state at s3://${BUCKET}/failmap/failmap-uk.tfstate yet: it was never deployed, ` +
      "or FAILMAP_STATE_* point to another bucket. Deploy it with `npx cdktf deploy org-failmap-uk`";
    for (const result of [run("failmap-uk", "list"), operator("client-cert", ["failmap-uk", "alice"])]) {
      expect(result.status).toBe(1);
      expect(result.stderr).toContain(neverDeployed);
      expect(result.stderr).not.toContain("\u001b[");
    }
  });

  test("an unknown organisation is named with the known ones, before terraform runs", () => {
    for (const script of ["state", "client-cert"]) {
      const result = operator(script, ["nosuch", script === "state" ? "list" : "alice"]);
      expect(result.status).toBe(1);
      expect(result.stderr).toContain("No organisation 'nosuch'");
      expect(result.stderr).toContain("(known: faalkaart, failmap-uk)");
    }
  });

  test("TERRAFORM_BINARY_NAME chooses the CLI, as cdktf's own variable does", () => {
    const bin = fs.mkdtempSync(path.join(os.tmpdir(), "failmap-tf-name-"));
    const log = path.join(bin, "calls");
    const standIn = path.join(bin, "tofu-stand-in");
    fs.writeFileSync(standIn, `#!/bin/sh\necho "$1" >> ${log}\nexec ${terraformBinary()} "$@"\n`, {
      mode: 0o755,
    });
    try {
      const listed = operator("state", ["faalkaart", "list"], { TERRAFORM_BINARY_NAME: standIn });
      expect(listed.status).toBe(0);
      expect(fs.readFileSync(log, "utf8").split("\n")).toEqual(["init", "state", "state", ""]);
      const missing = operator("state", ["faalkaart", "list"], { TERRAFORM_BINARY_NAME: "no-such-tofu" });
      expect(missing.stderr).toContain("no-such-tofu (TERRAFORM_BINARY_NAME) is not installed");
    } finally {
      fs.rmSync(bin, { recursive: true, force: true });
    }
  });
});
