import { Testing, type TerraformStack } from "cdktf";
import type { TerraformJson } from "../../../ops/terraform/projection";
import { OrganisationStack } from "../../../stacks/organisation-stack";
import { loadExample } from "../../support/organisations";

/*
 * Removing a worker host by editing the file (lowering its group's count, or deleting the group): Terraform
 * plans a resource left in state with the provider configuration it was made with, so every provider
 * configuration a removed host's resources name must still be in the stack. test/e2e/worker-host-removal.test.ts
 * applies the same edits with the real hcloud plugin.
 */
describe("removing a worker host", () => {
  const synthWorkerHosts = (count: number | "no group") => {
    const org = loadExample("faalkaart", (d) => {
      if (count === "no group") delete d.remoteWorkers.hosts.scanners;
      else d.remoteWorkers.hosts.scanners.count = count;
    });
    return new OrganisationStack(Testing.app(), { organisation: org });
  };
  /** The provider configurations a stack's resources name, as Terraform keeps them in state with each one. */
  const providersNamed = (stack: TerraformStack, hostName: string) => {
    const json = JSON.parse(Testing.synth(stack)) as TerraformJson;
    return Object.entries(json.resource ?? {}).flatMap(([type, blocks]) =>
      Object.entries(blocks)
        .filter(([name]) => name.includes(hostName))
        .map(([name, block]) => `${type}.${name}: ${String(block.provider ?? type.split("_")[0])}`),
    );
  };
  /** The provider configurations a stack has, and Terraform's own (terraform_data), which is always there. */
  const configured = (stack: TerraformStack) => {
    const json = JSON.parse(Testing.synth(stack)) as TerraformJson;
    return new Set([
      "terraform",
      ...Object.entries(json.provider ?? {}).flatMap(([type, configs]) =>
        (configs as { alias?: string }[]).map((c) => (c.alias ? `${type}.${c.alias}` : type)),
      ),
    ]);
  };

  it("leaves every provider configuration that a removed host's resources name in the stack", () => {
    // Terraform plans a resource left in state with the provider configuration it was made with: one that
    // went with the host fails the plan ("Provider configuration not present"), so no edit could remove it.
    const remaining = configured(synthWorkerHosts(1));
    const missing = providersNamed(synthWorkerHosts(2), "scanners-2").filter(
      (named) => !remaining.has(named.slice(named.indexOf(": ") + 2)),
    );
    expect(missing).toEqual([]);
    const none = configured(synthWorkerHosts("no group"));
    expect(
      providersNamed(synthWorkerHosts(1), "scanners-1").filter(
        (n) => !none.has(n.slice(n.indexOf(": ") + 2)),
      ),
    ).toEqual([]);
  });
});
