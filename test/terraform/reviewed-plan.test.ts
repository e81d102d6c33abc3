import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { PROJECT_ROOT, stackDir } from "../../ops/organisations/select";

/*
 * CI applies exactly the plan that was reviewed: ops/ci/plan.sh saves and summarises it, ops/ci/reviewed-plan.sh
 * seals it for the trip to the approved deploy job and applies it there. Run here with real terraform on a
 * stack of terraform_data resources (built into Terraform), laid out where cdktf synthesizes stacks.
 */
const ORG = `reviewed-plan-test-${process.pid}`;
const STACK = stackDir(ORG);
const KEY = "a test key for the reviewed plan";
let work: string;

function writeStack(input: string): void {
  fs.mkdirSync(STACK, { recursive: true });
  const config = {
    terraform: { backend: { local: { path: "terraform.tfstate" } } },
    resource: { terraform_data: { site: { input } } },
  };
  fs.writeFileSync(path.join(STACK, "cdk.tf.json"), JSON.stringify(config));
}

function run(script: string, args: string[], env: NodeJS.ProcessEnv = { FAILMAP_PLAN_KEY: KEY }) {
  const result = spawnSync(path.join(PROJECT_ROOT, "ops/ci", script), args, {
    cwd: PROJECT_ROOT,
    env: { ...process.env, TF_IN_AUTOMATION: "1", CHECKPOINT_DISABLE: "1", FAILMAP_PLAN_KEY: "", ...env },
    encoding: "utf8",
  });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

function stateInput(): unknown {
  const state = JSON.parse(fs.readFileSync(path.join(STACK, "terraform.tfstate"), "utf8"));
  return state.resources[0].instances[0].attributes.input.value;
}

/** The plan job: plan, summary, seal; the plan itself stays behind, as it would on another runner. */
function reviewedPlan(input: string): { sealed: string; summary: string } {
  writeStack(input);
  const summary = path.join(work, `summary-${input}.md`);
  expect(run("plan.sh", [ORG, "reviewed", summary])).toMatchObject({ status: 0 });
  const sealed = path.join(work, `reviewed-${input}.tfplan.enc`);
  expect(run("reviewed-plan.sh", ["seal", ORG, sealed])).toMatchObject({ status: 0 });
  // The clear plan and its JSON hold every secret: only the sealed copy is left.
  expect(fs.readdirSync(STACK).filter((f) => f.startsWith("reviewed."))).toEqual([]);
  return { sealed, summary: fs.readFileSync(summary, "utf8") };
}

beforeEach(() => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), "failmap-reviewed-"));
});
afterEach(() => {
  fs.rmSync(work, { recursive: true, force: true });
  fs.rmSync(STACK, { recursive: true, force: true });
});

test("the deploy job applies the sealed plan it was given, as summarised for review", () => {
  const { sealed, summary } = reviewedPlan("one");
  expect(summary).toContain(`### org-${ORG}: 1 to add, 0 to change, 0 to destroy`);
  // The configuration moves on after the review: the deploy still applies what was reviewed.
  writeStack("two");
  expect(run("reviewed-plan.sh", ["apply", ORG, sealed])).toMatchObject({ status: 0 });
  expect(stateInput()).toBe("one");
  expect(fs.existsSync(path.join(STACK, "reviewed.tfplan"))).toBe(false);
  // The sealed artifact gives nothing away.
  expect(fs.readFileSync(sealed).includes(Buffer.from("terraform_data"))).toBe(false);
}, 120_000);

test("without a summary file the summary goes to standard output, also when that is a socket", () => {
  // Node's child pipes are sockets, as a systemd journal is: /dev/stdout cannot be opened on one.
  writeStack("one");
  const planned = run("plan.sh", [ORG, "reviewed"]);
  expect(planned.output).toContain(`### org-${ORG}: 1 to add, 0 to change, 0 to destroy`);
  expect(planned.status).toBe(0);
}, 120_000);

test("a plan made before the state changed is refused, and nothing is applied", () => {
  const first = reviewedPlan("one");
  const second = reviewedPlan("two");
  expect(run("reviewed-plan.sh", ["apply", ORG, second.sealed])).toMatchObject({ status: 0 });
  const stale = run("reviewed-plan.sh", ["apply", ORG, first.sealed]);
  expect(stale.status).not.toBe(0);
  expect(stale.output).toMatch(/Saved plan is stale/);
  expect(stateInput()).toBe("two");
}, 120_000);

test("without the key, or with another one, the plan is neither opened nor applied", () => {
  const { sealed } = reviewedPlan("one");
  const unset = run("reviewed-plan.sh", ["apply", ORG, sealed], {});
  expect(unset.status).not.toBe(0);
  expect(unset.output).toContain("FAILMAP_PLAN_KEY is not set");
  const wrong = run("reviewed-plan.sh", ["apply", ORG, sealed], { FAILMAP_PLAN_KEY: "another key" });
  expect(wrong.status).not.toBe(0);
  expect(wrong.output).toMatch(/bad decrypt/);
  expect(fs.existsSync(path.join(STACK, "terraform.tfstate"))).toBe(false);
}, 120_000);
