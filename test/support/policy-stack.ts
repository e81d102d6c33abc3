import { TerraformStack, Testing } from "cdktf";
import { configureProviders } from "../../stacks/providers";
import { applyStackPolicy } from "../../stacks/stack-policy";

/**
 * A stack for a construct's unit test with the organisation stack's providers (no hcloud) and its policy (stacks/stack-policy.ts):
 * its aspects shape the resources as in a real stack, and synthWithPolicy fails on a breach of its rules. A
 * test of a construct then checks what the construct does; each stack-wide rule has its own test.
 */
export function policyStack(organisation = "faalkaart", id = "t"): TerraformStack {
  const stack = new TerraformStack(Testing.app(), id);
  configureProviders(stack, { hcloud: false });
  applyStackPolicy(stack, organisation);
  return stack;
}

/**
 * The stack's cdk.tf.json as Testing.synth writes it (after the aspects), failing on a breach of the stack's
 * own rules. Only the stack's validations run: cdktf's per-resource ones ask `terraform version`, and the
 * unit tier starts no process.
 */
export function synthWithPolicy(stack: TerraformStack): Record<string, any> {
  const json = JSON.parse(Testing.synth(stack)) as Record<string, any>;
  const breaches = stack.node.validate();
  if (breaches.length > 0) throw new Error(`the stack breaks its policy:\n${breaches.join("\n")}`);
  return json;
}
