import path from "node:path";
import { runApp, runAppOnEach, type AppRun } from "../../support/run-app";
import { appExpected, asFolder, cases, edited, folderCases } from "../../unit/config/bad-input-cases";

describe("the app refuses every bad input: it exits 1 and writes nothing", () => {
  const all: [string, Record<string, string>, RegExp][] = [
    ...cases.map(([kind, sources, expected]): [string, Record<string, string>, RegExp] => [
      kind,
      asFolder(sources),
      appExpected[kind] ?? expected,
    ]),
    ...folderCases,
  ];
  let runs: AppRun[];
  // 84 runs of the app, three at a time: 175 s with stress-ng --cpu 2 beside other work (load 15).
  beforeAll(async () => {
    runs = await runAppOnEach(all.map(([, files]) => files));
  }, 540_000);

  it.each(all.map(([kind, , expected], i) => [kind, i, expected] as const))("%s", (_kind, i, expected) => {
    const run = runs[i];
    expect(run.stderr).toMatch(expected);
    expect(run.stderr).toContain("nothing was synthesized");
    expect(run.status).toBe(1);
    expect(run.written).toEqual([]);
  });
});

describe("risky settings an operator may want are accepted with a loud warning", () => {
  const worldOpen = edited((d) => d.sshAllowedNetworks.push("0.0.0.0/0", "::/0"));

  it("prints the warnings at synth, and a file it does not read, and still synthesizes", async () => {
    const run = await runApp({ "faalkaart.yaml": worldOpen, "NOTES.txt": "not an organisation" });
    expect(run.stdout).toMatch(
      /warning: \S*faalkaart\.yaml:\d+: sshAllowedNetworks\.2: 0\.0\.0\.0\/0 opens SSH/,
    );
    expect(run.stdout).toMatch(
      /warning: \S*NOTES\.txt: is not read: only \*\.yaml files in \S+ are organisation files/,
    );
    expect(run.status).toBe(0);
    expect(run.written).toContain(path.join("stacks", "org-faalkaart", "cdk.tf.json"));
  }, 60_000); // 18 s loaded
});
