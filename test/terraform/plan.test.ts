import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { prepareStack, terraformEnv, type StackCheck } from "../../ops/terraform/check-stack";
import { failure, runTerraform } from "../../ops/state/terraform";
import { STATE_ENV } from "../../stacks/backend-settings";
import { createAuthority, type Authority } from "../system/nginx/pki";
import { requireProgram } from "../system/support/programs";
import { startLocalS3, type LocalS3 } from "./s3/local-s3";
import { EXAMPLES, ensureMirror, synthToDir } from "./stacks";

/*
 * Each example is planned by real Terraform, as far as the plugins that can be built here reach (tls and
 * random are real; the other providers' blocks are terraform_data, see projection.ts), with its state in a
 * local S3 through the backend block the stack synthesizes: every block is planned, no provider is pointed
 * at a host that is unknown at plan time, and the plan takes and gives back the S3 lock. The projection is
 * never applied: its stand-ins' ids are no addresses for cidrhost and the like.
 */
const BUCKET = "failmap-state";
const CREDENTIALS = { accessKeyId: "PLANTESTACCESSKEY001", secretAccessKey: "plan-test-secret" };

let root: string;
let authority: Authority;
let s3: LocalS3;

beforeAll(async () => {
  requireProgram("openssl", "openssl");
  ensureMirror();
  root = fs.mkdtempSync(path.join(os.tmpdir(), "failmap-plan-"));
  authority = createAuthority(root, "ca", "/CN=failmap plan test CA");
  const certificate = authority.issue("s3", { subject: "/CN=localhost", serverNames: ["localhost"] });
  s3 = await startLocalS3({
    dir: path.join(root, "objects"),
    bucket: BUCKET,
    certificate,
    credentials: CREDENTIALS,
  });
}, 10 * 60_000);

afterAll(async () => {
  await s3?.stop();
  if (root) fs.rmSync(root, { recursive: true, force: true });
});

/** Synthesizes with the state in the local S3, as an operator's environment would set it. */
function synthWithS3State(organisation: (typeof EXAMPLES)[number][1]): string {
  const saved = { ...process.env };
  Object.assign(process.env, {
    [STATE_ENV.bucket]: BUCKET,
    [STATE_ENV.endpoint]: s3.endpoint,
    [STATE_ENV.region]: "fsn1",
  });
  try {
    return synthToDir(organisation);
  } finally {
    for (const name of Object.values(STATE_ENV)) {
      if (saved[name] === undefined) delete process.env[name];
      else process.env[name] = saved[name];
    }
  }
}

function tf(check: StackCheck, ...args: string[]) {
  const env = terraformEnv({
    AWS_ACCESS_KEY_ID: CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: CREDENTIALS.secretAccessKey,
    AWS_CA_BUNDLE: authority.certPath,
  });
  const run = runTerraform(args, check.workdir, env);
  return { ...run, failure: () => failure(args, run) };
}

describe.each(EXAMPLES)("org-%s", (name, organisation) => {
  let synthesized: Record<string, any>;
  let check: StackCheck;

  beforeAll(() => {
    const stackDir = synthWithS3State(organisation);
    synthesized = JSON.parse(fs.readFileSync(path.join(stackDir, "cdk.tf.json"), "utf8"));
    check = prepareStack(stackDir, path.join(path.dirname(stackDir), "plan"));
  });

  it("points every provider at a host known at plan time", () => {
    // A docker provider whose host is a server's address could not plan the containers on a new server. Its
    // ssh_opts pin the host key from state, which is unknown only on the first plan, before the key exists.
    const hosts = Object.values<{ host?: string }[]>(synthesized.provider)
      .flat()
      .map((config) => config.host)
      .filter((host) => host !== undefined);
    expect(hosts.length).toBeGreaterThan(0);
    expect(hosts.filter((host) => /(?<!\$)\$\{/.test(host))).toEqual([]);
  });

  it("plans every block, locking its state in S3 and giving the lock back", async () => {
    const init = tf(check, "init", "-input=false", "-no-color");
    expect(init.status === 0 || init.failure()).toBe(true);
    const plan = tf(check, "plan", "-input=false", "-no-color", "-out=tfplan");
    expect(plan.status === 0 || plan.failure()).toBe(true);

    const lock = `failmap/${name}.tfstate.tflock`;
    await s3.logLine(new RegExp(`PUT /${BUCKET}/${lock.replace(/\./g, "\\.")}\\b.*`));
    expect([...s3.objects(BUCKET).keys()]).not.toContain(lock);

    const shown = JSON.parse(tf(check, "show", "-json", "tfplan").stdout);
    const creates = shown.resource_changes.filter((c: any) => c.change.actions.join() === "create");
    const blocks = ["resource", "data"].flatMap((kind) =>
      Object.values<Record<string, unknown>>(synthesized[kind] ?? {}).flatMap((b) => Object.keys(b)),
    );
    expect(creates.length).toBe(blocks.length);
  }, 300_000);
});
