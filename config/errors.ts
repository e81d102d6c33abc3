/** One thing wrong in one organisation file, with where it is and how to fix it. */
export interface ConfigProblem {
  readonly file: string;
  /** Dotted field path, e.g. instances.production.domain; empty for the whole file. */
  readonly path: string;
  readonly message: string;
  readonly line?: number;
}

export function formatProblem(p: ConfigProblem): string {
  const where = p.line === undefined ? p.file : `${p.file}:${p.line}`;
  return p.path ? `${where}: ${p.path}: ${p.message}` : `${where}: ${p.message}`;
}

/** A setting that works but is risky, printed at every synth and by doctor. */
export function formatWarning(p: ConfigProblem): string {
  return `warning: ${formatProblem(p)}`;
}

/** Thrown when any organisation file is bad; carries every problem found, so one run shows them all. */
export class OrganisationConfigError extends Error {
  constructor(readonly problems: readonly ConfigProblem[]) {
    super(
      `${problems.length} problem(s) in the organisation files; nothing was synthesized:\n` +
        problems.map((p) => `  - ${formatProblem(p)}`).join("\n"),
    );
    this.name = "OrganisationConfigError";
  }
}
