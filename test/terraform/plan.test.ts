import { readFileSync } from "node:fs";
import path from "node:path";
import { prepareStack, terraformEnv, type StackCheck } from "../../ops/terraform/check-stack";
import { failure, runTerraform } from "../../ops/state/terraform";
import { EXAMPLES, ensureMirror, synthToDir } from "./stacks";

/*
 * Each example is planned by real Terraform, as far as the plugins that can be built here reach (tls and
 * random are real; the other providers' blocks are terraform_data, see projection.ts): every block is
 * planned, and no provider is pointed at a host that is unknown at plan time. The projection cannot be
 * applied (its stand-ins' ids are no addresses for cidrhost and the like), so no apply happens here.
 */
beforeAll(ensureMirror, 10 * 60_000);

function tf(check: StackCheck, ...args: string[]) {
  const run = runTerraform(args, check.workdir, terraformEnv());
  return { ...run, failure: () => failure(args, run) };
}

describe.each(EXAMPLES)("org-%s", (_name, organisation) => {
  const stackDir = synthToDir(organisation);
  const synthesized = JSON.parse(readFileSync(path.join(stackDir, "cdk.tf.json"), "utf8"));

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

  it("plans every block", () => {
    const check = prepareStack(stackDir, path.join(path.dirname(stackDir), "plan"), undefined, (json) => {
      json.terraform = { ...json.terraform, backend: { local: { path: "terraform.tfstate" } } };
      return json;
    });
    const init = tf(check, "init", "-input=false", "-no-color");
    expect(init.status === 0 || init.failure()).toBe(true);
    const plan = tf(check, "plan", "-input=false", "-no-color", "-out=tfplan");
    expect(plan.status === 0 || plan.failure()).toBe(true);

    const shown = JSON.parse(tf(check, "show", "-json", "tfplan").stdout);
    const creates = shown.resource_changes.filter((c: any) => c.change.actions.join() === "create");
    const blocks = ["resource", "data"].flatMap((kind) =>
      Object.values<Record<string, unknown>>(synthesized[kind] ?? {}).flatMap((b) => Object.keys(b)),
    );
    expect(creates.length).toBe(blocks.length);
  }, 300_000);
});
