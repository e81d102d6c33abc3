import os from "node:os";
import path from "node:path";
import { exampleText } from "../../support/organisations";
import { runApp } from "../../support/run-app";

// Budgets: four times the slowest time measured with stress-ng --cpu 2 beside a CI run and other work on the
// 2-core machine (load 17 to 24, 7 December): up to 15 s for one run of the app, 20 s for two, 63 s for the
// 8 organisations below.
const ONE_RUN = 60_000;
const TWO_RUNS = 90_000;

describe("the cdktf app", () => {
  it(
    "synthesizes one stack per organisation file",
    async () => {
      const run = await runApp({
        "faalkaart.yaml": exampleText(),
        "failmap-uk.yaml": exampleText("failmap-uk"),
      });
      expect(run.status).toBe(0);
      expect(run.written).toEqual(
        expect.arrayContaining([
          path.join("stacks", "org-faalkaart", "cdk.tf.json"),
          path.join("stacks", "org-failmap-uk", "cdk.tf.json"),
        ]),
      );
      expect(run.stdout).toContain("org-faalkaart: no state bucket");
    },
    ONE_RUN,
  );

  it(
    "holds looked-up images at the digests in state with FAILMAP_FREEZE_IMAGES=1, as the renewal job does",
    async () => {
      const images = async (env: NodeJS.ProcessEnv) => {
        const run = await runApp({ "faalkaart.yaml": exampleText() }, env);
        expect(run.status).toBe(0);
        const stack = run.contents[path.join("stacks", "org-faalkaart", "cdk.tf.json")] as {
          resource: { docker_image: Record<string, { lifecycle: { ignore_changes?: string[] } }> };
        };
        return Object.values(stack.resource.docker_image);
      };
      expect(await images({ FAILMAP_FREEZE_IMAGES: "1" })).toContainEqual(
        expect.objectContaining({
          lifecycle: expect.objectContaining({ ignore_changes: ["name", "pull_triggers"] }),
        }),
      );
      expect((await images({})).filter((image) => image.lifecycle.ignore_changes)).toEqual([]);
    },
    TWO_RUNS,
  );

  it(
    "synthesizes nothing when one file is bad, and names the file and field",
    async () => {
      const run = await runApp({
        "faalkaart.yaml": exampleText(),
        "failmap-uk.yaml": exampleText("failmap-uk").replace("ops@failmap.co.uk", "not-an-address"),
      });
      expect(run.status).toBe(1);
      expect(run.stderr).toMatch(/failmap-uk\.yaml:\d+: acme\.email: is not an e-mail address/);
      expect(run.stderr).toContain("nothing was synthesized");
      expect(run.written).toEqual([]);
    },
    ONE_RUN,
  );

  it(
    "prints a bad file's problems once, with the path as the operator sees it from the project",
    async () => {
      const run = await runApp({ "faalkaart.yaml": `${exampleText()}\nbogus: 1\n` });
      expect(run.status).toBe(1);
      expect(run.stderr.match(/bogus/g)).toHaveLength(1);
      expect(run.stderr).toMatch(/^ {2}- organisations\/faalkaart\.yaml:\d+: bogus: /m);
      expect(run.stderr).not.toContain(os.tmpdir());
    },
    ONE_RUN,
  );
});

describe("FAILMAP_ORGANISATION: one stack out of many", () => {
  const files = { "faalkaart.yaml": exampleText(), "failmap-uk.yaml": exampleText("failmap-uk") };

  it(
    "synthesizes only the named organisation's stack",
    async () => {
      const run = await runApp(files, { FAILMAP_ORGANISATION: "failmap-uk" });
      expect(run.status).toBe(0);
      expect(run.written).toContain(path.join("stacks", "org-failmap-uk", "cdk.tf.json"));
      expect(run.written.filter((f) => String(f).startsWith(path.join("stacks", "org-faalkaart")))).toEqual(
        [],
      );
      expect(run.stdout).not.toContain("org-faalkaart");
    },
    ONE_RUN,
  );

  it(
    "still validates every file: a bad other file stops it",
    async () => {
      const bad = { ...files, "faalkaart.yaml": exampleText().replace("hostmaster@faalkaart.nl", "nope") };
      const run = await runApp(bad, { FAILMAP_ORGANISATION: "failmap-uk" });
      expect(run.status).toBe(1);
      expect(run.stderr).toMatch(/faalkaart\.yaml:\d+: acme\.email: /);
      expect(run.written).toEqual([]);
    },
    ONE_RUN,
  );

  it(
    "names the known organisations when the name is unknown",
    async () => {
      const run = await runApp(files, { FAILMAP_ORGANISATION: "faalkart" });
      expect(run.status).toBe(1);
      expect(run.stderr.trim()).toBe(
        "FAILMAP_ORGANISATION: No organisation 'faalkart' in organisations (known: faalkaart, failmap-uk); " +
          "the name is the file name without .yaml",
      );
      expect(run.written).toEqual([]);
    },
    ONE_RUN,
  );
});

describe("many organisations: split over worker processes", () => {
  const files = Object.fromEntries(
    Array.from({ length: 8 }, (_, i) => [`org${i}.yaml`, exampleText().replaceAll("faalkaart", `org${i}`)]),
  );

  it("writes the same stacks, manifest and messages as one process", async () => {
    const split = await runApp(files, { FAILMAP_SYNTH_WORKERS: "2" });
    const single = await runApp(files, { FAILMAP_SYNTH_WORKERS: "1" });
    expect(split.status).toBe(0);
    expect(split.written).toContain(path.join("stacks", "org-org7", "cdk.tf.json"));
    expect(split.contents).toEqual(single.contents);
    expect(split.stdout).toBe(single.stdout);
    expect(split.stderr).toBe(single.stderr);
  }, 250_000); // two runs on 8 organisations: 63 s loaded
});
