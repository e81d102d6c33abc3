import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { TerraformRun } from "../../../ops/state/terraform";
import { createAuthority, type Authority } from "../../system/nginx/pki";
import { requireProgram } from "../../system/support/programs";
import { startLocalS3, type LocalS3, type LocalS3Options } from "./local-s3";
import { StateWorkdir } from "./state-workdir";

/*
 * The real terraform keeps its state in the local S3 (rehearsal/s3) through the backend block the stacks
 * synthesize, over HTTPS, and the lock file (use_lockfile) is enforced: s3rver would let the second run in.
 */
const BUCKET = "failmap-state";
const KEY = "failmap/locktest.tfstate";
const LOCK_KEY = `${KEY}.tflock`;
const CREDENTIALS = { accessKeyId: "LOCKTESTACCESSKEY001", secretAccessKey: "lock-test-secret" };

let root: string;
let authority: Authority;
let serverOptions: LocalS3Options;
let s3: LocalS3;
let workdir: StateWorkdir;

function output(run: TerraformRun): string {
  return `${run.stdout}\n${run.stderr}`;
}

function succeeded(run: TerraformRun): TerraformRun {
  if (run.status !== 0) throw new Error(`terraform failed (exit ${run.status}):\n${output(run)}`);
  return run;
}

interface LockInfo {
  readonly ID: string;
  readonly Who: string;
  readonly Operation: string;
}

/** The lock file's content once Terraform has written it (it holds the lock info as JSON). */
async function lockAppears(): Promise<LockInfo> {
  for (const deadline = Date.now() + 60_000; Date.now() < deadline;) {
    const lock = s3.objects(BUCKET).get(LOCK_KEY);
    if (lock) return JSON.parse(lock.body.toString()) as LockInfo;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`no ${LOCK_KEY} appeared within 60 s`);
}

beforeAll(async () => {
  requireProgram("openssl", "openssl");
  root = fs.mkdtempSync(path.join(os.tmpdir(), "failmap-s3-"));
  authority = createAuthority(root, "ca", "/CN=failmap local S3 test CA");
  const certificate = authority.issue("s3", { subject: "/CN=localhost", serverNames: ["localhost"] });
  serverOptions = { dir: path.join(root, "objects"), bucket: BUCKET, certificate, credentials: CREDENTIALS };
  s3 = await startLocalS3(serverOptions);
  workdir = new StateWorkdir(path.join(root, "terraform"), {
    endpoint: s3.endpoint,
    bucket: BUCKET,
    key: KEY,
    caFile: authority.certPath,
    credentials: CREDENTIALS,
  });
  succeeded(workdir.run(["init", "-input=false"]));
}, 60_000);

afterAll(async () => {
  await s3?.stop();
  if (root) fs.rmSync(root, { recursive: true, force: true });
});

it("keeps the state at the backend key, encrypted at rest as asked, and state pull reads it back", () => {
  succeeded(workdir.run(["apply", "-auto-approve", "-input=false"]));

  const stored = s3.objects(BUCKET).get(KEY);
  expect(stored).toBeDefined();
  expect(stored?.serverSideEncryption).toBe("AES256");
  const state = JSON.parse(stored!.body.toString());
  expect(state.resources.map((r: any) => `${r.type}.${r.name}`).sort()).toEqual([
    "terraform_data.hold",
    "terraform_data.kept",
  ]);
  const pulled = JSON.parse(succeeded(workdir.run(["state", "pull"])).stdout);
  expect({ lineage: pulled.lineage, serial: pulled.serial }).toEqual({
    lineage: state.lineage,
    serial: state.serial,
  });
  expect(s3.objects(BUCKET).has(LOCK_KEY)).toBe(false);
}, 120_000);

it("refuses a second run while an apply holds the lock, names the holder, and frees the lock at the end", async () => {
  const apply = workdir.applyHoldingLock("held", 5);
  try {
    const lock = await lockAppears();
    expect(lock.Operation).toBe("OperationTypeApply");

    const second = workdir.run(["plan", "-lock-timeout=0s", "-input=false"]);
    expect(second.status).not.toBe(0);
    expect(output(second)).toContain("Error acquiring the state lock");
    expect(output(second)).toContain(`ID:        ${lock.ID}`);
    expect(output(second)).toContain(`Who:       ${lock.Who}`);
    // The refusal came from the conditional write itself.
    await expect(
      s3.logLine(
        /^PUT \/failmap-state\/failmap\/locktest\.tfstate\.tflock\?.*if-none-match: \*.* -> 412 PreconditionFailed$/m,
      ),
    ).resolves.toBeTruthy();

    expect(output(await apply.finished)).toContain("Apply complete!");
  } finally {
    apply.kill();
  }
  expect(s3.objects(BUCKET).has(LOCK_KEY)).toBe(false);
  succeeded(workdir.run(["plan", "-lock-timeout=0s", "-input=false"]));
}, 120_000);

it("force-unlock frees a lock left behind by a killed apply", async () => {
  const apply = workdir.applyHoldingLock("killed", 300);
  const lock = await lockAppears();
  apply.kill();
  await apply.finished;
  expect(s3.objects(BUCKET).has(LOCK_KEY)).toBe(true);
  expect(output(workdir.run(["plan", "-lock-timeout=0s", "-input=false"]))).toContain(
    `ID:        ${lock.ID}`,
  );

  succeeded(workdir.run(["force-unlock", "-force", lock.ID]));

  expect(s3.objects(BUCKET).has(LOCK_KEY)).toBe(false);
  succeeded(workdir.run(["plan", "-lock-timeout=0s", "-input=false"]));
}, 120_000);

it("refuses a wrong access key id and a wrong secret with S3's own errors", () => {
  const wrongKey = workdir.run(["plan", "-input=false"], { AWS_ACCESS_KEY_ID: "NOSUCHACCESSKEY00000" });
  expect(wrongKey.status).not.toBe(0);
  expect(output(wrongKey)).toContain("InvalidAccessKeyId");

  const wrongSecret = workdir.run(["plan", "-input=false"], { AWS_SECRET_ACCESS_KEY: "not-the-secret" });
  expect(wrongSecret.status).not.toBe(0);
  expect(output(wrongSecret)).toContain("SignatureDoesNotMatch");
}, 60_000);

it("keeps the state across a restart of the server with the same --dir", async () => {
  const before = JSON.parse(succeeded(workdir.run(["state", "pull"])).stdout);
  await s3.stop();
  s3 = await startLocalS3({ ...serverOptions, port: s3.port });

  const after = JSON.parse(succeeded(workdir.run(["state", "pull"])).stdout);
  expect({ lineage: after.lineage, serial: after.serial }).toEqual({
    lineage: before.lineage,
    serial: before.serial,
  });
}, 60_000);
