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

/** The stack's cdk.tf.json as Testing.synth writes it, with the stack's validations run first. */
export function synthWithPolicy(stack: TerraformStack): Record<string, any> {
  return JSON.parse(Testing.synth(stack, true));
}
