import { Aspects, type TerraformStack } from "cdktf";
import { AfterBootstrap } from "./aspects/after-bootstrap";
import { OrganisationLabel } from "./aspects/organisation-label";
import { ReplacedWithMachine } from "./aspects/replaced-with-machine";
import { ContainerPolicy } from "./rules/container-policy";
import { PinnedImages } from "./rules/pinned-images";
import { TerraformRules } from "./rules/terraform-rules";

/**
 * The rules every organisation stack follows, whatever its constructs: the aspects apply them to every
 * resource they concern (a docker resource waits for its host's bootstrap and is replaced with its machine, a
 * container carries the organisation's label), and the validations fail `cdktf synth` on a stack that breaks
 * them (Terraform's own rules, the container policy, images pinned by digest). OrganisationStack adds them once; the unit tests synthesize through test/support/policy-stack.ts,
 * which adds the same, so no test of a construct needs to re-assert a stack-wide rule.
 */
export function applyStackPolicy(stack: TerraformStack, organisation: string): void {
  Aspects.of(stack).add(new AfterBootstrap());
  Aspects.of(stack).add(new ReplacedWithMachine());
  Aspects.of(stack).add(new OrganisationLabel(organisation));
  stack.node.addValidation(new TerraformRules(stack));
  stack.node.addValidation(new ContainerPolicy(stack));
  stack.node.addValidation(new PinnedImages(stack));
}
