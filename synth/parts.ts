import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { loadFiles, type LoadedOrganisation } from "../config/load";

/**
 * Synthesizing many stacks in one process costs their sum: construction and token resolution are
 * single-threaded. With FAILMAP_SYNTH_WORKERS=<n> the app splits them over n processes: itself and workers
 * (this same app, with FAILMAP_SYNTH_FILES=<its files>), each synthesizing its share into a scratch folder,
 * and merges their stacks and manifests into the output folder the cdktf CLI reads. That saves time only on
 * idle cores, and costs CPU: each further process starts node, cdktf and the app, reads its files again and
 * warms V8's compiler up again, about 2.5 s of CPU for 100 organisations split in two, a third more than one
 * process (bench/synth/RESULTS.md). So one process is the default.
 */
export const SYNTH_FILES_ENV = "FAILMAP_SYNTH_FILES";
/** A worker costs about half a second to start (node, cdktf, its share of the files): give each a few stacks. */
const STACKS_PER_WORKER = 4;

/**
 * The organisation files this process synthesizes when it is a worker, from FAILMAP_SYNTH_FILES. It reads only
 * these: the process that started it validated every file together and printed the warnings.
 */
export function workerFiles(env: NodeJS.ProcessEnv = process.env): string[] | undefined {
  const files = env[SYNTH_FILES_ENV];
  return files === undefined ? undefined : (JSON.parse(files) as string[]);
}

/** Reads and validates a worker's files, as loadOrganisations does every file of the folder. */
export function loadWorkerFiles(files: readonly string[]): LoadedOrganisation[] {
  return loadFiles(files.map((file) => ({ file, text: fs.readFileSync(file, "utf8") })));
}

/**
 * `all` in `count` contiguous runs, so that the parts' outputs and manifests, taken in part order, are in the
 * order one process would have written them.
 */
export function sharesOf<T>(all: readonly T[], count: number): T[][] {
  const size = Math.ceil(all.length / count);
  return Array.from({ length: count }, (_, index) => all.slice(index * size, (index + 1) * size));
}

/**
 * How many processes to split `stacks` over: FAILMAP_SYNTH_WORKERS (default 1, no split), with a few stacks
 * each. 1 means synthesize here.
 */
export function workerCount(stacks: number, env: NodeJS.ProcessEnv = process.env): number {
  const wanted = Number(env.FAILMAP_SYNTH_WORKERS) || 1;
  return Math.max(1, Math.min(wanted, Math.floor(stacks / STACKS_PER_WORKER)));
}

interface Manifest {
  stacks: Record<string, unknown>;
}

interface Finished {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

function startWorker(
  script: string,
  env: NodeJS.ProcessEnv,
): { child: ChildProcess; finished: Promise<Finished> } {
  const child = spawn(process.execPath, [script], { env, stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stdout!.on("data", (d) => (stdout += d));
  child.stderr!.on("data", (d) => (stderr += d));
  const finished = new Promise<Finished>((resolve) =>
    child.on("close", (status) => resolve({ status, stdout, stderr })),
  );
  return { child, finished };
}

/**
 * A synth split into shares: a worker of `script` (the app's entry point) synthesizes each share but the first,
 * which this process synthesizes itself (it has loaded everything already; a worker costs a start of node,
 * cdktf and the app) into `outdir`, a scratch folder beside the workers' own. finish() waits for the workers
 * and merges what they all wrote; stop() ends them when this process's share fails.
 */
export class SynthParts<T extends { readonly file: string }> {
  /** The share this process synthesizes, and where it writes it. */
  readonly here: readonly T[];
  readonly outdir: string;
  private readonly scratch = fs.mkdtempSync(path.join(os.tmpdir(), "failmap-synth-"));
  private readonly parts: string[];
  private readonly workers: { child: ChildProcess; finished: Promise<Finished> }[];

  constructor(script: string, shares: readonly (readonly T[])[]) {
    this.parts = shares.map((_, index) => path.join(this.scratch, String(index)));
    [this.here, this.outdir] = [shares[0], this.parts[0]];
    this.workers = this.parts.slice(1).map((dir, index) =>
      startWorker(script, {
        ...process.env,
        [SYNTH_FILES_ENV]: JSON.stringify(shares[index + 1].map((o) => o.file)),
        CDKTF_OUTDIR: dir,
      }),
    );
  }

  async stop(): Promise<void> {
    for (const worker of this.workers) worker.child.kill();
    await Promise.all(this.workers.map((w) => w.finished));
    fs.rmSync(this.scratch, { recursive: true, force: true });
  }

  /**
   * Merges every share into `outdir`, once the workers are done. Each worker's output is printed once, in share
   * order (this process printed its own as it went); the first failure is printed and nothing is merged.
   */
  async finish(outdir: string): Promise<boolean> {
    try {
      const finished = await Promise.all(this.workers.map((w) => w.finished));
      const failed = finished.find((f) => f.status !== 0);
      if (failed) {
        process.stdout.write(failed.stdout);
        process.stderr.write(failed.stderr);
        return false;
      }
      for (const f of finished) {
        process.stdout.write(f.stdout);
        process.stderr.write(f.stderr);
      }
      mergeParts(this.parts, outdir);
      return true;
    } finally {
      fs.rmSync(this.scratch, { recursive: true, force: true });
    }
  }
}

/** The stacks and manifests that `parts` (output folders, in share order) hold, merged into `outdir`. */
function mergeParts(parts: readonly string[], outdir: string): void {
  const manifests: Manifest[] = parts.map((dir) =>
    JSON.parse(fs.readFileSync(path.join(dir, "manifest.json"), "utf8")),
  );
  const stacks = Object.assign({}, ...manifests.map((m) => m.stacks)) as Manifest["stacks"];
  fs.mkdirSync(path.join(outdir, "stacks"), { recursive: true });
  for (const dir of parts) {
    for (const stack of fs.readdirSync(path.join(dir, "stacks"))) {
      const target = path.join(outdir, "stacks", stack);
      fs.rmSync(target, { recursive: true, force: true });
      fs.cpSync(path.join(dir, "stacks", stack), target, { recursive: true });
    }
  }
  fs.writeFileSync(path.join(outdir, "manifest.json"), JSON.stringify({ ...manifests[0], stacks }, null, 2));
}
