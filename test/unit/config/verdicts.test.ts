import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { OrganisationConfigError } from "../../../config/errors";
import { loadOrganisations } from "../../../config/load";
import { VerdictCache } from "../../../config/verdicts";
import { exampleText } from "../../support/organisations";

let dir: string;
let store: string;
const quiet = { onWarning: () => undefined };
const load = (code = "code-1") =>
  loadOrganisations(path.join(dir, "orgs"), { ...quiet, verdicts: new VerdictCache(store, code) });
const write = (name: string, text: string) => fs.writeFileSync(path.join(dir, "orgs", `${name}.yaml`), text);
const problemsOf = (run: () => unknown): string => {
  try {
    run();
  } catch (error) {
    if (error instanceof OrganisationConfigError) return error.message;
    throw error;
  }
  throw new Error("the load did not fail");
};

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "failmap-verdicts-"));
  store = path.join(dir, "cache", "verdicts.json");
  fs.mkdirSync(path.join(dir, "orgs"));
  write("faalkaart", exampleText());
  write("failmap-uk", exampleText("failmap-uk"));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

describe("verdicts on organisation files, kept between synths", () => {
  it("a second load gives the same organisations and warnings as checking the files", () => {
    const checked = loadOrganisations(path.join(dir, "orgs"), quiet);
    expect(load()).toEqual(checked);
    expect(Object.keys(JSON.parse(fs.readFileSync(store, "utf8")).verdicts)).toHaveLength(2);
    expect(load()).toEqual(checked);
  });

  it("a file whose verdict is kept is not checked again; other code's verdicts are not used", () => {
    load();
    // A verdict changed in the store shows whether it was used: the code's own is, another code's is not.
    const kept = JSON.parse(fs.readFileSync(store, "utf8"));
    for (const verdict of Object.values<any>(kept.verdicts)) verdict.organisation.system.swapMb = 1234;
    fs.writeFileSync(store, JSON.stringify(kept));
    expect(load().map((o) => o.organisation.system.swapMb)).toEqual([1234, 1234]);
    expect(load("code-2").map((o) => o.organisation.system.swapMb)).not.toContain(1234);
  });

  it("an edited file is checked again: a mistake in it is refused with its line", () => {
    load();
    write("faalkaart", exampleText().replace("swapMb: 2048", "swapMb: lots"));
    expect(problemsOf(load)).toMatch(/faalkaart\.yaml:\d+: system\.swapMb: /);
  });

  it("a file under another name is checked again: the name must match the file", () => {
    load();
    write("faalkaart-copy", exampleText());
    expect(problemsOf(load)).toMatch(
      /faalkaart-copy\.yaml:\d+: name: is 'faalkaart' but the file is faalkaart-copy\.yaml/,
    );
  });

  it("clashes across files are still found, naming file, line and field, from kept verdicts", () => {
    // Each file passes alone, and keeps its verdict; together they claim one name.
    write("failmap-uk", exampleText("failmap-uk").replace("[www.failmap.co.uk]", "[www.faalkaart.nl]"));
    const checked = problemsOf(() => loadOrganisations(path.join(dir, "orgs"), quiet));
    expect(checked).toMatch(
      /failmap-uk\.yaml:\d+: instances\.production\.aliases\.0: 'www\.faalkaart\.nl' is already claimed by/,
    );
    expect(problemsOf(load)).toBe(checked);
    expect(Object.keys(JSON.parse(fs.readFileSync(store, "utf8")).verdicts)).toHaveLength(2);
    expect(problemsOf(load)).toBe(checked);
  });

  it("a store that cannot be written is no reason to fail", () => {
    // A file where the store's folder should be: nothing can be written below it.
    fs.writeFileSync(path.dirname(store), "");
    expect(load()).toEqual(loadOrganisations(path.join(dir, "orgs"), quiet));
  });

  it("an unreadable store is read as none", () => {
    fs.mkdirSync(path.dirname(store));
    fs.writeFileSync(store, "{ not json");
    expect(load()).toEqual(loadOrganisations(path.join(dir, "orgs"), quiet));
    fs.writeFileSync(store, "null");
    expect(load()).toHaveLength(2);
  });
});
