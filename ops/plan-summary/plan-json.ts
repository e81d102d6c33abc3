/** The parts of `terraform show -json <planfile>` that a summary needs. */
export interface PlanJson {
  readonly format_version: string;
  readonly resource_changes?: readonly PlannedChange[];
  readonly resource_drift?: readonly PlannedChange[];
}

export interface PlannedChange {
  readonly address: string;
  readonly type: string;
  readonly mode?: "managed" | "data";
  readonly change: {
    readonly actions: readonly string[];
    readonly before?: unknown;
    readonly after?: unknown;
    readonly after_unknown?: unknown;
    readonly replace_paths?: readonly (readonly (string | number)[])[];
  };
  readonly action_reason?: string;
}
