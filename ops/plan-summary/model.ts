/** What Terraform will do to one resource instance. */
export type Action = "create" | "update" | "replace" | "delete" | "read";

export interface ResourceChange {
  readonly address: string;
  readonly action: Action;
  /** For a replacement: the attributes that force it, when the plan says so. */
  readonly forcedBy?: readonly string[];
}

export interface PlanCounts {
  readonly add: number;
  readonly change: number;
  readonly destroy: number;
}

export interface PlanSummary {
  readonly changes: readonly ResourceChange[];
  /** Changes made outside Terraform, found while refreshing. */
  readonly drift: readonly ResourceChange[];
  readonly counts: PlanCounts;
}

/** Terraform's own arithmetic: a replacement is one add and one destroy, a data source read is neither. */
export function countChanges(changes: readonly ResourceChange[]): PlanCounts {
  const count = (...actions: Action[]) => changes.filter((c) => actions.includes(c.action)).length;
  return { add: count("create", "replace"), change: count("update"), destroy: count("delete", "replace") };
}
