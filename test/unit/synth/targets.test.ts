import { loadFiles } from "../../../config/load";
import { stacksOfCommand, targetOrganisations } from "../../../synth/targets";
import { exampleText } from "../../support/organisations";

const KNOWN = new Set(["org-faalkaart", "org-failmap-uk"]);
const cli = (...args: string[]) => ["/usr/bin/node", "/work/node_modules/.bin/cdktf", ...args];

describe("the stacks a cdktf command names", () => {
  it.each([
    [["deploy", "org-failmap-uk"], ["org-failmap-uk"]],
    [
      ["deploy", "--auto-approve", "org-failmap-uk", "org-faalkaart"],
      ["org-failmap-uk", "org-faalkaart"],
    ],
    [["diff", "org-faalkaart", "--skip-provider-lock"], ["org-faalkaart"]],
    [["destroy", "org-faalkaart"], ["org-faalkaart"]],
    [["output", "org-faalkaart"], ["org-faalkaart"]],
  ])("cdktf %j builds %j", (args, stacks) => {
    expect(stacksOfCommand(cli(...args), KNOWN)).toEqual(stacks);
  });

  it.each([
    [["synth"]],
    [["list"]],
    [["deploy"]],
    [["deploy", "org-*"]],
    [["deploy", "org-faalkart"]],
    [["deploy", "--auto-approve"]],
  ])("cdktf %j builds every stack", (args) => {
    expect(stacksOfCommand(cli(...args), KNOWN)).toBeUndefined();
  });
});

describe("the organisations a synth builds", () => {
  const all = loadFiles([
    { file: "organisations/faalkaart.yaml", text: exampleText() },
    { file: "organisations/failmap-uk.yaml", text: exampleText("failmap-uk") },
  ]);
  const names = (env: NodeJS.ProcessEnv, argv?: string[]) =>
    targetOrganisations(all, "organisations", env, () => argv).map((o) => o.organisation.name);

  it("are all of them without a CLI that names stacks", () => {
    expect(names({})).toEqual(["faalkaart", "failmap-uk"]);
    expect(names({}, cli("synth"))).toEqual(["faalkaart", "failmap-uk"]);
  });

  it("are those the cdktf command names", () => {
    expect(names({}, cli("deploy", "org-failmap-uk"))).toEqual(["failmap-uk"]);
  });

  it("follow FAILMAP_ORGANISATION, then CDKTF_TARGET_STACK_ID, before the command line", () => {
    const deployUk = cli("deploy", "org-failmap-uk");
    expect(names({ FAILMAP_ORGANISATION: "faalkaart" }, deployUk)).toEqual(["faalkaart"]);
    expect(names({ CDKTF_TARGET_STACK_ID: "org-faalkaart" }, deployUk)).toEqual(["faalkaart"]);
  });

  it("name the variable and the known organisations when a name is unknown", () => {
    expect(() => names({ CDKTF_TARGET_STACK_ID: "org-faalkart" })).toThrow(
      "CDKTF_TARGET_STACK_ID: No organisation 'faalkart' in organisations (known: faalkaart, failmap-uk)",
    );
  });
});
