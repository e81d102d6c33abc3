import { countChanges, type Action, type PlanSummary, type ResourceChange } from "./model";
import type { PlanJson, PlannedChange } from "./plan-json";
import { isFoundDue } from "./tls-certificates";

export function isPlanJson(value: unknown): value is PlanJson {
  return typeof value === "object" && value !== null && "format_version" in value;
}

/** The single action a list of Terraform actions amounts to; undefined for a no-op. */
export function actionOf(actions: readonly string[]): Action | undefined {
  if (actions.includes("delete") && actions.includes("create")) return "replace";
  const [only] = actions;
  if (only === "create" || only === "update" || only === "delete" || only === "read") return only;
  return undefined;
}

export function parsePlanJson(plan: PlanJson): PlanSummary {
  const summarise = (list: readonly PlannedChange[] = []): ResourceChange[] =>
    list.flatMap((rc) => {
      const action = actionOf(rc.change.actions);
      if (!action) return [];
      const forcedBy = (rc.change.replace_paths ?? []).map((p) => p.join("."));
      return [
        action === "replace" && forcedBy.length
          ? { address: rc.address, action, forcedBy }
          : { address: rc.address, action },
      ];
    });
  const changes = summarise(plan.resource_changes);
  const drift = summarise((plan.resource_drift ?? []).filter((rc) => !isFoundDue(rc)));
  return { changes, drift, counts: countChanges(changes) };
}
