/** One line of the preflight report. A problem stops a deploy; a warning is worth reading first. */
export interface Finding {
  readonly level: "ok" | "warning" | "problem";
  readonly message: string;
  /** What to do about it; every warning and problem has one. */
  readonly fix?: string;
}

export const ok = (message: string): Finding => ({ level: "ok", message });
export const warning = (message: string, fix: string): Finding => ({ level: "warning", message, fix });
export const problem = (message: string, fix: string): Finding => ({ level: "problem", message, fix });
