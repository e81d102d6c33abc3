import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseDocument } from "yaml";
import {
  PIPELINE_MODES,
  type PipelineMode,
  renderChildPipeline,
} from "../../../ops/ci/gitlab-child-pipeline";
import { actionlint, gitlabCiLint } from "../../../ops/ci/linters";
import { organisationNames } from "../../../ops/organisations/select";

const ROOT = path.resolve(__dirname, "../../..");
const read = (file: string) => fs.readFileSync(path.join(ROOT, file), "utf8");

type Json = Record<string, unknown>;

/** Strict YAML: duplicate keys, syntax errors and warnings all fail, as a YAML lint would. */
function parseStrict(text: string, name: string): Json {
  const doc = parseDocument(text, { uniqueKeys: true, strict: true, prettyErrors: false });
  const issues = [...doc.errors, ...doc.warnings].map((e) => `${name}: ${e.message}`);
  expect(issues).toEqual([]);
  return doc.toJS() as Json;
}

/** Every repository file a shell line calls (ops/ci/*.sh, scripts/operator/*.ts) must exist. */
function expectCalledFilesExist(lines: readonly string[]): void {
  for (const line of lines) {
    for (const [file] of line.matchAll(/(?:ops\/ci\/[\w-]+\.sh|scripts\/operator\/[\w-]+\.ts)/g)) {
      expect({ file, exists: fs.existsSync(path.join(ROOT, file)) }).toEqual({ file, exists: true });
    }
  }
}

const yamlFiles = fs
  .readdirSync(path.join(ROOT, "organisations"))
  .filter((f) => /\.ya?ml$/.test(f))
  .map((f) => f.replace(/\.ya?ml$/, ""))
  .sort();

describe("the list of organisations CI runs jobs for", () => {
  test("is exactly the organisation files, as the entry point prints it", () => {
    expect(organisationNames()).toEqual(yamlFiles);
    const run = spawnSync(
      path.join(ROOT, "node_modules/.bin/tsx"),
      ["scripts/operator/list-organisations.ts"],
      // 10.2 s under stress-ng --cpu 2 on the shared 2-core machine.
      { cwd: ROOT, encoding: "utf8", timeout: 35_000 },
    );
    expect(run.status).toBe(0);
    expect(JSON.parse(run.stdout)).toEqual(yamlFiles);
  }, 35_000);
});

describe("GitHub Actions", () => {
  const workflow = parseStrict(read(".github/workflows/failmap.yml"), "failmap.yml");
  const jobs = workflow.jobs as Record<string, Json>;

  test("every job runs somewhere and has steps that each run or use something", () => {
    for (const [id, job] of Object.entries(jobs)) {
      expect({ id, runsOn: typeof job["runs-on"] }).toEqual({ id, runsOn: "string" });
      const steps = job.steps as Json[];
      expect(steps.length).toBeGreaterThan(0);
      for (const step of steps) expect([id, "run" in step !== "uses" in step]).toEqual([id, true]);
      expectCalledFilesExist(steps.map((s) => String(s.run ?? "")));
    }
  });

  test("needs refer to jobs that exist", () => {
    for (const job of Object.values(jobs)) {
      for (const need of [job.needs ?? []].flat() as string[]) expect(Object.keys(jobs)).toContain(need);
    }
  });

  test("the per-organisation matrix is the output of the job that lists organisations/", () => {
    const list = (jobs.organisations.steps as Json[]).find((s) => s.id === "list")!;
    expect(list.run).toContain("npx tsx scripts/operator/list-organisations.ts");
    expect(list.run).toContain('>> "$GITHUB_OUTPUT"');
    expect((jobs.organisations.outputs as Json).names).toBe("${{ steps.list.outputs.names }}");
    for (const id of ["plan", "review", "deploy", "renew"]) {
      expect([id, [jobs[id].needs].flat()]).toEqual([id, expect.arrayContaining(["organisations"])]);
      expect((jobs[id].strategy as { matrix: Json }).matrix.org).toBe(
        "${{ fromJSON(needs.organisations.outputs.names) }}",
      );
    }
  });

  test("plans go to the job page; the approved deploy applies the sealed plan of the review job", () => {
    const runs = (id: string) => (jobs[id].steps as Json[]).map((s) => String(s.run ?? ""));
    const plan = 'ops/ci/plan.sh "${{ matrix.org }}" reviewed "$GITHUB_STEP_SUMMARY"';
    expect(runs("plan")).toContain(plan);
    expect(runs("review")).toContain(plan);
    expect(runs("review")).toContain(
      'ops/ci/reviewed-plan.sh seal "${{ matrix.org }}" "reviewed-${{ matrix.org }}.tfplan.enc"',
    );
    expect(jobs.deploy.needs).toEqual(["organisations", "review"]);
    expect(jobs.deploy.environment).toBe("production");
    expect(runs("deploy")).toContain(
      'ops/ci/reviewed-plan.sh apply "${{ matrix.org }}" "reviewed-${{ matrix.org }}.tfplan.enc"',
    );
    expect(runs("deploy").join("\n")).not.toMatch(/cdktf (deploy|apply)|terraform apply/);
    expect(jobs.renew.if).toContain("schedule");
    expect((workflow.on as Json).schedule).toEqual([{ cron: expect.stringMatching(/^\d+ \d+ \* \* \*$/) }]);
  });

  test("each per-organisation job synthesizes its own organisation only", () => {
    for (const id of ["plan", "review", "deploy", "renew"]) {
      expect([id, (jobs[id].env as Json).FAILMAP_ORGANISATION]).toEqual([id, "${{ matrix.org }}"]);
    }
  });

  test("installs the Terraform version that ops/ci/install-terraform.sh installs everywhere else", () => {
    const pinned = /TERRAFORM_VERSION:-([\d.]+)/.exec(read("ops/ci/install-terraform.sh"))![1];
    const action = parseStrict(read(".github/actions/prepare/action.yml"), "action.yml");
    const setup = (action.runs as { steps: Json[] }).steps.find((s) =>
      String(s.uses).startsWith("hashicorp/setup-terraform@"),
    )!;
    expect((setup.with as Json).terraform_version).toBe(pinned);
  });

  test("the local prepare action is a composite whose run steps name their shell", () => {
    const action = parseStrict(read(".github/actions/prepare/action.yml"), "action.yml");
    const runs = action.runs as { using: string; steps: Json[] };
    expect(runs.using).toBe("composite");
    for (const step of runs.steps.filter((s) => "run" in s)) expect(step.shell).toBe("bash");
    expectCalledFilesExist(runs.steps.map((s) => String(s.run ?? "")));
  });
});

describe("GitLab CI", () => {
  const RESERVED = ["stages", "workflow", "variables", "default", "include", "image", "services", "cache"];
  const jobsOf = (pipeline: Json) =>
    Object.entries(pipeline).filter(([k]) => !RESERVED.includes(k)) as [string, Json][];
  const scriptOf = (job: Json, all: Json): string[] => {
    const parent = job.extends ? (all[job.extends as string] as Json) : {};
    return [job.before_script, job.script, job.after_script, parent.before_script, parent.script]
      .flat()
      .filter((l): l is string => typeof l === "string");
  };

  const parent = parseStrict(read(".gitlab-ci.yml"), ".gitlab-ci.yml");

  test("jobs extend hidden jobs that exist, sit in a known stage and need jobs that exist", () => {
    for (const [id, job] of jobsOf(parent).filter(([k]) => !k.startsWith("."))) {
      if (job.extends) expect(Object.keys(parent)).toContain(job.extends);
      const stage = job.stage ?? (parent[job.extends as string] as Json | undefined)?.stage;
      expect([id, (parent.stages as string[]).includes(stage as string)]).toEqual([id, true]);
      for (const need of (job.needs as string[] | undefined) ?? [])
        expect(Object.keys(parent)).toContain(need);
      expectCalledFilesExist(scriptOf(job, parent));
    }
  });

  test("each child pipeline comes from a job that generates it from organisations/, under the same rules", () => {
    const triggers = jobsOf(parent).filter(([, job]) => job.trigger);
    expect(triggers.map(([id]) => id)).toEqual(["plans", "deploys", "renewals"]);
    for (const [, trigger] of triggers) {
      const [include] = (trigger.trigger as { include: { artifact: string; job: string }[] }).include;
      const generator = parent[include.job] as Json;
      expect(scriptOf(generator, parent).join("\n")).toContain(
        "npx tsx scripts/operator/list-organisations.ts --gitlab-child-pipeline",
      );
      expect(
        (parent[generator.extends as string] as { artifacts: { paths: string[] } }).artifacts.paths,
      ).toContain(include.artifact);
      expect(trigger.rules).toEqual(generator.rules);
      expect(PIPELINE_MODES).toContain((generator.variables as Json).FAILMAP_MODE);
    }
  });

  const JOBS: Record<PipelineMode, string[]> = {
    plan: ["plan"],
    deploy: ["plan", "deploy"],
    renew: ["renew"],
  };
  test.each(PIPELINE_MODES)("the %s child pipeline has its jobs for each organisation file", (mode) => {
    const child = parseStrict(renderChildPipeline(mode, organisationNames()), `${mode} child`);
    const jobs = jobsOf(child).filter(([k]) => !k.startsWith("."));
    expect(jobs.map(([id]) => id)).toEqual(
      yamlFiles.flatMap((name) => JOBS[mode].map((job) => `${job} org-${name}`)),
    );
    for (const [, job] of jobs) {
      expect(child[job.extends as string]).toBeDefined();
      expect(child.stages).toContain(job.stage);
      expectCalledFilesExist(scriptOf(job, child));
    }
  });

  test.each(PIPELINE_MODES)("each %s job synthesizes its own organisation only", (mode) => {
    const child = parseStrict(renderChildPipeline(mode, ["faalkaart", "failmap-uk"]), `${mode} child`);
    for (const org of ["faalkaart", "failmap-uk"]) {
      for (const job of JOBS[mode]) {
        expect(child[`${job} org-${org}`]).toMatchObject({ variables: { FAILMAP_ORGANISATION: org } });
      }
    }
  });

  test("deploys are manual, per organisation environment, and apply the sealed plan of their plan job", () => {
    const child = parseStrict(renderChildPipeline("deploy", ["faalkaart"]), "deploy child");
    const sealed = "reviewed-faalkaart.tfplan.enc";
    expect(child["plan org-faalkaart"]).toMatchObject({
      resource_group: "org-faalkaart",
      artifacts: { paths: ["plan-summary.md", sealed], expire_in: "1 day" },
    });
    expect((child["plan org-faalkaart"] as Json).script).toContain(
      `ops/ci/reviewed-plan.sh seal faalkaart ${sealed}`,
    );
    expect(child["deploy org-faalkaart"]).toMatchObject({
      when: "manual",
      allow_failure: false,
      needs: ["plan org-faalkaart"],
      environment: { name: "production/org-faalkaart" },
      resource_group: "org-faalkaart",
      script: ["npx cdktf synth", `ops/ci/reviewed-plan.sh apply faalkaart ${sealed}`],
    });
  });
});

describe("the CI definitions pass their linters", () => {
  const workflows = fs
    .readdirSync(path.join(ROOT, ".github/workflows"))
    .filter((f) => /\.ya?ml$/.test(f))
    .map((f) => `.github/workflows/${f}`);

  // Budget: on a fresh clone, actionlint is built first; that build took 102 s (23 s of CPU, an empty Go build
  // cache) with stress-ng --cpu 2 beside a CI run (load 15 to 21). A cached binary lints in under a second.
  test("actionlint: every GitHub workflow, the local actions it uses and its run scripts (shellcheck)", () => {
    expect(workflows.length).toBeGreaterThan(0);
    expect(actionlint(workflows)).toEqual({ status: 0, output: "" });
  }, 300_000);

  test("actionlint finds a mistake when there is one", () => {
    const text = read(".github/workflows/failmap.yml").replace("needs: organisations", "needs: organisation");
    const copy = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "actionlint-")), "broken.yml");
    fs.writeFileSync(copy, text);
    try {
      const result = actionlint([copy]);
      expect(result.status).toBe(1);
      expect(result.output).toContain('job "plan" needs job "organisation" which does not exist');
    } finally {
      fs.rmSync(path.dirname(copy), { recursive: true, force: true });
    }
  }, 300_000);

  const pipelines: [string, string][] = [
    [".gitlab-ci.yml", read(".gitlab-ci.yml")],
    ...PIPELINE_MODES.map((mode): [string, string] => [
      `the ${mode} child pipeline`,
      renderChildPipeline(mode, yamlFiles),
    ]),
  ];
  // gitlab-ci-local: 5 to 8.4 s a pipeline with stress-ng --cpu 2 beside a CI run (load 17 to 24).
  test.each(pipelines)(
    "gitlab-ci-local: %s expands and passes GitLab's CI schema",
    (_name, yaml) => {
      const result = gitlabCiLint(yaml);
      expect([result.status, result.output]).toEqual([0, expect.stringContaining("json schema validated")]);
    },
    60_000,
  );

  test("gitlab-ci-local refuses what GitLab would", () => {
    const yaml = renderChildPipeline("deploy", ["faalkaart"]).replace("when: manual", "when: sometimes");
    const result = gitlabCiLint(yaml);
    expect(result.status).not.toBe(0);
    expect(result.output).toContain("'when' property must be one of");
  }, 60_000);
});
