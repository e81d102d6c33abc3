import type { Action, PlanSummary, ResourceChange } from "./model";

const ORDER: Action[] = ["replace", "delete", "create", "update", "read"];
const SYMBOL: Record<Action, string> = {
  replace: "⚠ -/+",
  delete: "-",
  create: "+",
  update: "~",
  read: "<=",
};
const VERB: Record<Action, string> = {
  replace: "replace (destroy, then create)",
  delete: "destroy",
  create: "create",
  update: "update in place",
  read: "read",
};

/** A markdown summary for a CI job page or a merge request: counts first, replacements impossible to miss. */
export function renderSummary(title: string, plan: PlanSummary): string {
  const { add, change, destroy } = plan.counts;
  const lines = [`### ${title}: ${add} to add, ${change} to change, ${destroy} to destroy`, ""];

  const replaced = plan.changes.filter((c) => c.action === "replace");
  for (const r of replaced) {
    const forced = r.forcedBy?.length ? ` (forced by ${r.forcedBy.join(", ")})` : "";
    lines.push(`> **⚠ REPLACES ${r.address}**${forced}: it is destroyed and created again.`);
  }
  if (replaced.length > 0) lines.push("");

  if (plan.changes.length === 0) {
    lines.push("No changes: the infrastructure matches the configuration.", "");
  } else {
    lines.push(...table(plan.changes), "");
  }
  if (plan.drift.length > 0) {
    lines.push("**Drift**: changed outside Terraform since the last apply:", "", ...table(plan.drift), "");
  }
  return lines.join("\n");
}

function table(changes: readonly ResourceChange[]): string[] {
  const sorted = [...changes].sort(
    (a, b) => ORDER.indexOf(a.action) - ORDER.indexOf(b.action) || a.address.localeCompare(b.address),
  );
  return [
    "| | Resource | Action |",
    "|---|---|---|",
    ...sorted.map((c) => `| ${SYMBOL[c.action]} | \`${c.address}\` | ${VERB[c.action]} |`),
  ];
}
