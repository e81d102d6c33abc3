// Summarises a saved plan for CI, read with `terraform show -json` (ops/ci/plan.sh writes it):
// `plan-summary [--title T] <plan.json>` prints markdown; `plan-summary --classify <plan.json>` prints none,
// renewal or changes for the scheduled job.
import fs from "node:fs";
import { parsePlanJson, isPlanJson } from "../../ops/plan-summary/parse-json";
import { classifyScheduledPlan } from "../../ops/plan-summary/renewal";
import { renderSummary } from "../../ops/plan-summary/render";

function main(argv: string[]): void {
  const classify = argv.includes("--classify");
  const titleAt = argv.indexOf("--title");
  const title = titleAt >= 0 ? argv[titleAt + 1] : "Plan";
  const file = argv.filter((a, i) => !a.startsWith("--") && argv[i - 1] !== "--title")[0];
  if (!file) throw new Error("usage: plan-summary [--title <title>] <plan.json> | --classify <plan.json>");

  const text = fs.readFileSync(file, "utf8");
  const json = text.trimStart().startsWith("{") ? (JSON.parse(text) as unknown) : undefined;
  if (!isPlanJson(json)) {
    throw new Error(
      `${file} is not a saved plan read with 'terraform show -json <plan>': plan with -out first (ops/ci/plan.sh does)`,
    );
  }
  if (classify) {
    const { verdict, renewals, others } = classifyScheduledPlan(json);
    for (const address of renewals) console.error(`renewal: ${address}`);
    for (const address of others) console.error(`other change: ${address}`);
    console.log(verdict);
    return;
  }
  process.stdout.write(renderSummary(title, parsePlanJson(json)));
}

try {
  main(process.argv.slice(2));
} catch (e) {
  console.error((e as Error).message);
  process.exit(1);
}
