import { createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { isDeepStrictEqual } from "node:util";
import type { ConfigProblem } from "./errors";
import type { FieldPath } from "./free-text";
import type { Organisation } from "./schema";

/**
 * What a file that passed every check of its own was found to be. Checking a file (its YAML, the schema, the
 * rules of one file) depends on nothing but its name, its text and the code that checks it, so the verdict
 * holds as long as those three are the same.
 */
export interface Verdict {
  readonly organisation: Organisation;
  readonly warnings: readonly ConfigProblem[];
  /** The line of every field of the organisation, by dotted path ("" for the file): for later problems. */
  readonly lines: Readonly<Record<string, number>>;
}

/** A file's checked organisation, its warnings and where each field stands, as parseOrganisation gives them. */
export interface Checked {
  readonly organisation: Organisation;
  readonly warnings: readonly ConfigProblem[];
  readonly lineOf: (path: FieldPath) => number | undefined;
}

/** The verdict on a checked file, or undefined when its organisation would not read back as it is from JSON. */
export function verdictOf({ organisation, warnings, lineOf }: Checked): Verdict | undefined {
  if (!isDeepStrictEqual(JSON.parse(JSON.stringify(organisation)), organisation)) return undefined;
  const lines: Record<string, number> = {};
  const walk = (value: unknown, at: FieldPath) => {
    const line = lineOf(at);
    if (line !== undefined) lines[at.join(".")] = line;
    if (typeof value === "object" && value !== null) {
      for (const [key, inner] of Object.entries(value)) {
        walk(inner, [...at, Array.isArray(value) ? Number(key) : key]);
      }
    }
  };
  walk(organisation, []);
  return { organisation, warnings, lines };
}

/** The checked file a verdict stands for: a field without a line of its own is on its nearest parent's. */
export function checkedOf({ organisation, warnings, lines }: Verdict): Checked {
  const lineOf = (at: FieldPath) => {
    for (let n = at.length; n >= 0; n--) {
      const line = lines[at.slice(0, n).join(".")];
      if (line !== undefined) return line;
    }
    return undefined;
  };
  return { organisation, warnings, lineOf };
}

/** More than a few folders of a hundred files: the file stays small enough to read at every synth. */
const MAX_VERDICTS = 1000;

interface Stored {
  readonly code: string;
  readonly verdicts: Record<string, Verdict>;
}

/**
 * Verdicts kept between synths, in one file, for the code that made them: `cdktf deploy org-x` among many files
 * checks every file on every synth, and reading and checking a file (its YAML most of all) was most of what the
 * other files cost it (bench/synth/RESULTS.md). A file whose name and text have a verdict from the same code is
 * not checked again; any other file is, and a file that fails is never kept. The checks across files still run
 * on every synth, on every file.
 */
export class VerdictCache {
  private readonly known: Record<string, Verdict>;
  private readonly kept: Record<string, Verdict> = {};
  private changed = false;

  /** The verdicts of the app bundled in `bundle` (dist/main.js): its hash stands for the code. */
  static forBundle(bundle: string, store: string): VerdictCache {
    return new VerdictCache(store, createHash("sha256").update(fs.readFileSync(bundle)).digest("hex"));
  }

  constructor(
    private readonly store: string,
    private readonly code: string,
  ) {
    this.known = VerdictCache.read(store, code);
  }

  get(file: string, text: string): Verdict | undefined {
    const key = VerdictCache.key(file, text);
    const verdict = this.known[key];
    if (verdict) this.kept[key] = verdict;
    return verdict;
  }

  set(file: string, text: string, verdict: Verdict): void {
    this.kept[VerdictCache.key(file, text)] = verdict;
    this.changed = true;
  }

  /**
   * Writes the verdicts, if any is new: those kept before and those of this load, or only this load's once there
   * are more than MAX_VERDICTS (files edited many times, several folders).
   */
  save(): void {
    if (!this.changed) return;
    const all = { ...this.known, ...this.kept };
    const verdicts = Object.keys(all).length > MAX_VERDICTS ? this.kept : all;
    const stored: Stored = { code: this.code, verdicts };
    // Another synth may write at the same time: each writes a file of its own and moves it into place.
    const partial = `${this.store}.${process.pid}`;
    try {
      fs.mkdirSync(path.dirname(this.store), { recursive: true });
      fs.writeFileSync(partial, JSON.stringify(stored));
      fs.renameSync(partial, this.store);
    } catch {
      // A project folder that cannot be written (a read-only checkout): the next synth checks every file again.
    }
  }

  private static key(file: string, text: string): string {
    return createHash("sha256").update(file).update("\0").update(text).digest("hex");
  }

  private static read(store: string, code: string): Record<string, Verdict> {
    try {
      const stored = JSON.parse(fs.readFileSync(store, "utf8")) as Partial<Stored> | null;
      return stored?.code === code && stored.verdicts ? stored.verdicts : {};
    } catch {
      // None yet, or unreadable: every file is checked, and the verdicts are written anew.
      return {};
    }
  }
}
