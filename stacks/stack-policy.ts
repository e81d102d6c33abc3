import { Aspects, type TerraformStack } from "cdktf";
import { AfterBootstrap } from "./aspects/after-bootstrap";
import { ReplacedWithMachine } from "./aspects/replaced-with-machine";
import { ContainerPolicy } from "./rules/container-policy";
import { TerraformRules } from "./rules/terraform-rules";

/**
 * The rules every organisation stack follows, whatever its constructs: the aspects apply them to every
 * resource they concern (a docker resource waits for its host's bootstrap and is replaced with its machine),
 * and the validations fail `cdktf synth` on a stack that breaks them (Terraform's own rules, the container
 * policy). OrganisationStack adds them once; the unit tests synthesize through test/support/policy-stack.ts,
 * which adds the same, so no test of a construct needs to re-assert a stack-wide rule.
 */
export function applyStackPolicy(stack: TerraformStack, organisation: string): void {
  Aspects.of(stack).add(new AfterBootstrap());
  Aspects.of(stack).add(new ReplacedWithMachine());
  stack.node.addValidation(new TerraformRules(stack));
  stack.node.addValidation(new ContainerPolicy(stack, organisation));
}
