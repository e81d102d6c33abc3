import { Resource } from "@cdktf/provider-null/lib/resource";
import { Testing } from "cdktf";
import { stringify } from "yaml";
import { loadFiles } from "../../../config/load";
import type { Organisation } from "../../../config/schema";
import { OrganisationStack } from "../../../stacks/organisation-stack";
import { FileTextRule } from "../../../stacks/rules/file-text";
import { TerraformRules } from "../../../stacks/rules/terraform-rules";
import { exampleData } from "../../support/organisations";

/*
 * Issue 20: text from an organisation file reaches Terraform as text. The synth-time rule (stacks/rules/
 * file-text.ts) finds a `${...}` or `%{...}` of a file that Terraform would evaluate, and names the file, line
 * and field; the boundary (literalFreeText) makes sure the stack's own constructs never give it one.
 */

const READS_A_FILE = '${file("/etc/hostname")}';
const DIRECTIVE = "%{ if true }x%{ endif }";

const FILE = "organisations/faalkaart.yaml";

function stackWithComment(comment: string) {
  const data = exampleData() as { users: { keys: string[] }[] };
  const key = `${data.users[0].keys[0].split(" ").slice(0, 2).join(" ")} ${comment}`;
  data.users[0].keys[0] = key;
  const text = stringify(data, { lineWidth: 0 });
  const [{ organisation }] = loadFiles([{ file: FILE, text }]);
  const line = text.split("\n").findIndex((l) => l.includes(key.split(" ")[1])) + 1;
  return { organisation, line, stack: new OrganisationStack(Testing.app(), { organisation }) };
}

/** What the rules on text say (the expression rule once crashed on a harmless comment); not the container policy. */
const errors = ({ stack, organisation }: { stack: OrganisationStack; organisation: Organisation }) =>
  [...new TerraformRules(stack).validate(), ...new FileTextRule(stack, organisation).validate()].join("\n");

describe("text from an organisation file at synth", () => {
  it.each([
    ["an expression that reads a file", READS_A_FILE],
    ["a template directive", DIRECTIVE],
    ["quotes and a percent sign (OpenSSH allows any comment)", 'johan 100% sure "quoted"'],
  ])("a key comment holding %s synthesizes, every rule passing", (_, comment) => {
    expect(errors(stackWithComment(comment))).toBe("");
  });

  it("a file's expression that reached Terraform as code is refused with the file, line and field", () => {
    const synth = stackWithComment(READS_A_FILE);
    const { organisation, line, stack } = synth;
    // A construct that would take the file's text past the boundary.
    new Resource(stack, "careless", { triggers: { comment: organisation.users[0].keys[0] } });
    expect(errors(synth)).toContain(
      `${FILE}:${line}: users.0.keys.0: holds ${READS_A_FILE}, which reached null_resource.careless ` +
        "triggers.comment (org-faalkaart/careless) as Terraform code",
    );
  });

  it("a template directive no file holds is refused, naming the construct that made it", () => {
    const synth = stackWithComment("johan@laptop");
    new Resource(synth.stack, "careless", { triggers: { script: `echo ${DIRECTIVE}` } });
    expect(errors(synth)).toMatch(
      /org-faalkaart\/careless \(null_resource\.careless\) triggers\.script: holds the template directive %\{ if true \}/,
    );
  });
});
