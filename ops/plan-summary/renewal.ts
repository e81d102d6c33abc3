import { actionOf, type PlanJson, type PlannedChange } from "./parse-json";

export type Verdict = "none" | "renewal" | "changes";

export interface Classification {
  readonly verdict: Verdict;
  /** Certificates due for renewal, and the uploads that deliver them. */
  readonly renewals: readonly string[];
  /** Everything else the plan would do: drift to undo, or a change on main that nobody deployed yet. */
  readonly others: readonly string[];
}

/**
 * Decides whether the scheduled job may apply a plan unattended. It may when the plan only renews
 * certificates: the ACME provider marks a certificate inside min_days_remaining for update, and every
 * HostFiles upload that carries it then changes a trigger whose new value is not known until apply.
 * An upload whose new content is already known was changed by a commit, not by a renewal, and needs a
 * reviewed deploy like any other change.
 */
export function classifyScheduledPlan(plan: PlanJson): Classification {
  const renewals: string[] = [];
  const others: string[] = [];
  for (const rc of plan.resource_changes ?? []) {
    const action = actionOf(rc.change.actions);
    if (action === undefined || action === "read") continue;
    (isRenewal(rc) || isDeliveryOfUnknownContent(rc) ? renewals : others).push(rc.address);
  }
  const certificates = (plan.resource_changes ?? []).filter(isRenewal).length;
  const verdict: Verdict =
    renewals.length + others.length === 0
      ? "none"
      : others.length === 0 && certificates > 0
        ? "renewal"
        : "changes";
  return { verdict, renewals, others };
}

function isRenewal(rc: PlannedChange): boolean {
  const action = actionOf(rc.change.actions);
  return rc.type === "acme_certificate" && (action === "update" || action === "replace");
}

function isDeliveryOfUnknownContent(rc: PlannedChange): boolean {
  if (rc.type !== "null_resource") return false;
  const before = triggersOf(rc.change.before);
  const after = triggersOf(rc.change.after);
  const unknownAll = (rc.change.after_unknown as { triggers?: unknown } | undefined)?.triggers;
  const unknown = (key: string) =>
    unknownAll === true ||
    (typeof unknownAll === "object" &&
      unknownAll !== null &&
      (unknownAll as Record<string, unknown>)[key] === true);
  const keys = new Set([...Object.keys(before), ...Object.keys(after)]);
  const changed = [...keys].filter((k) => unknown(k) || before[k] !== after[k]);
  return changed.length > 0 && changed.every(unknown);
}

function triggersOf(value: unknown): Record<string, unknown> {
  const triggers = (value as { triggers?: unknown } | null | undefined)?.triggers;
  return typeof triggers === "object" && triggers !== null ? (triggers as Record<string, unknown>) : {};
}
