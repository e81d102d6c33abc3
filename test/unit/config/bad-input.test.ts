import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { formatProblem, OrganisationConfigError } from "../../../config/errors";
import { loadFiles, loadOrganisations } from "../../../config/load";
import { exampleText } from "../../support/organisations";
import { cases, edited, FILE, folderCases, second, single } from "./bad-input-cases";

function problemsFor(sources: { file: string; text: string }[]): string[] {
  try {
    loadFiles(sources);
  } catch (error) {
    if (error instanceof OrganisationConfigError) return error.problems.map(formatProblem);
    throw error;
  }
  throw new Error("expected the organisation files to be rejected");
}

function problemsInFolder(files: Record<string, string>): string[] {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "failmap-orgs-"));
  try {
    for (const [name, text] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), text);
    loadOrganisations(dir, { onWarning: () => undefined });
  } catch (error) {
    if (error instanceof OrganisationConfigError) return error.problems.map(formatProblem);
    throw error;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  throw new Error("expected the organisation folder to be rejected");
}

describe("bad organisation files are rejected with the file and field named", () => {
  it.each(cases)("%s", (_kind, sources, expected) => {
    const problems = problemsFor(sources);
    expect(problems.join("\n")).toMatch(expected);
  });

  it.each(folderCases)("%s", (_kind, files, expected) => {
    expect(problemsInFolder(files).join("\n")).toMatch(expected);
  });

  it("has at least 50 kinds of bad input", () => {
    expect(cases.length + folderCases.length).toBeGreaterThanOrEqual(50);
  });

  it("reports YAML syntax errors with their line number", () => {
    try {
      loadFiles(single("name: faalkaart\nserver:\n  fqdn: [unclosed\n"));
      throw new Error("expected a syntax error");
    } catch (error) {
      expect(error).toBeInstanceOf(OrganisationConfigError);
      const [problem] = (error as OrganisationConfigError).problems;
      expect(problem.line).toBeGreaterThanOrEqual(3);
      expect((error as Error).message).toMatch(/organisations\/faalkaart\.yaml:\d+: YAML syntax error/);
    }
  });

  it("points a schema error at the line of the offending field", () => {
    const text = exampleText().replace("domain: staging.faalkaart.nl", "domain: Staging..nl");
    const line = text.split("\n").findIndex((l) => l.includes("Staging..nl")) + 1;
    const error = (() => {
      try {
        loadFiles(single(text));
      } catch (e) {
        return e as OrganisationConfigError;
      }
      throw new Error("expected a rejection");
    })();
    expect(error.problems[0]).toMatchObject({ path: "instances.staging.domain", line });
  });

  it("collects problems from every file, so one run shows them all", () => {
    const problems = problemsFor([
      { file: FILE, text: edited((d) => (d.sshAllowedNetworks = ["nope"])) },
      second((d) => (d.acme.email = "not-an-address")),
    ]);
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/faalkaart\.yaml:\d+: sshAllowedNetworks\.0/),
        expect.stringMatching(/failmap-uk\.yaml:\d+: acme\.email: is not an e-mail address/),
      ]),
    );
  });

  it("accepts the shipped examples", () => {
    const loaded = loadFiles([
      { file: FILE, text: exampleText() },
      { file: "organisations/failmap-uk.yaml", text: exampleText("failmap-uk") },
    ]);
    expect(loaded.map((l) => l.organisation.name)).toEqual(["faalkaart", "failmap-uk"]);
  });
});

describe("risky settings an operator may want are accepted with a loud warning", () => {
  const worldOpen = edited((d) => d.sshAllowedNetworks.push("0.0.0.0/0", "::/0"));

  it("names the file, line and field of SSH open to the whole internet", () => {
    const [loaded] = loadFiles(single(worldOpen));
    expect(loaded.warnings.map(formatProblem)).toEqual([
      expect.stringMatching(
        /^organisations\/faalkaart\.yaml:\d+: sshAllowedNetworks\.2: 0\.0\.0\.0\/0 opens SSH .* to the whole internet; list your office, VPN or CI runner networks instead/,
      ),
      expect.stringMatching(/^organisations\/faalkaart\.yaml:\d+: sshAllowedNetworks\.3: ::\/0 opens SSH/),
    ]);
    const line = worldOpen.split("\n").findIndex((l) => l.includes("0.0.0.0/0")) + 1;
    expect(loaded.warnings[0].line).toBe(line);
  });

  it("the shipped examples carry no warning", () => {
    const loaded = loadFiles([
      { file: FILE, text: exampleText() },
      { file: "organisations/failmap-uk.yaml", text: exampleText("failmap-uk") },
    ]);
    expect(loaded.flatMap((l) => l.warnings)).toEqual([]);
  });
});

describe("the organisations folder itself", () => {
  it("names a folder that is not there, and how to point at the right one", () => {
    const missing = path.join(os.tmpdir(), `failmap-no-such-folder-${process.pid}`);
    expect(() => loadOrganisations(missing, { onWarning: () => undefined })).toThrow(
      `${missing}: is not a folder: FAILMAP_ORGANISATIONS_DIR (or organisations/ when it is unset) must name the folder that holds the organisation files`,
    );
  });
});
