import { Fn, TerraformStack, Testing } from "cdktf";
import { invokeAspects } from "cdktf/lib/synthesize/synthesizer";
import { OrganisationStack } from "../../../stacks/organisation-stack";
import { loadExample } from "../../support/organisations";

/**
 * OrganisationStack writes what cdktf's own TerraformStack.toTerraform would (stacks/stack-terraform.ts resolves
 * each token once instead of walking the resolved stack again). Compared on whole stacks, after the aspects, as
 * the synthesizer sees them: a cdktf (or cdktn) whose toTerraform changes fails here.
 */
function bothWays(stack: OrganisationStack): { ours: string; cdktfs: string } {
  invokeAspects(stack);
  const ours = JSON.stringify(stack.toTerraform(), null, 1);
  const cdktfs = JSON.stringify(TerraformStack.prototype.toTerraform.call(stack), null, 1);
  return { ours, cdktfs };
}

const stackOf = (name: string, edit?: (data: Record<string, any>) => void) =>
  new OrganisationStack(Testing.app(), { organisation: loadExample(name, edit) });

describe("an organisation stack's Terraform JSON, against cdktf's toTerraform", () => {
  it.each(["faalkaart", "failmap-uk"])("is the same for %s", (name) => {
    const { ours, cdktfs } = bothWays(stackOf(name));
    expect(ours.length).toBeGreaterThan(100_000);
    expect(ours).toBe(cdktfs);
  });

  it("is the same with the state in S3 (the stack's own overrides), and with a token in an override", () => {
    const stack = stackOf("failmap-uk", (data) => {
      data.state = { ...data.state, bucket: "failmap-state", endpoint: "https://s3.example.org" };
    });
    stack.addOverride("terraform.backend.s3.key", Fn.lower("STATE/${terraform.workspace}"));
    stack.addOverride("locals.list", [Fn.upper("a"), 1, undefined]);
    const { ours, cdktfs } = bothWays(stack);
    expect(ours).toContain('"use_lockfile": true');
    expect(ours).toContain('"key": "${lower(\\"STATE/$${terraform.workspace}\\")}"');
    expect(ours).toBe(cdktfs);
  });
});
