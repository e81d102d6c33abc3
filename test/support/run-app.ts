import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

const ROOT = path.resolve(__dirname, "../..");

export interface AppRun {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
  /** Every path the synth wrote under its output folder, sorted. */
  readonly written: readonly string[];
  /** The JSON files it wrote, parsed, with the scratch folder's path (in the local state path) as <dir>. */
  readonly contents: Readonly<Record<string, unknown>>;
}

/** Runs the cdktf app as `cdktf synth` does, on a fresh folder holding `files`. */
export async function runApp(
  files: Readonly<Record<string, string>>,
  env: NodeJS.ProcessEnv = {},
): Promise<AppRun> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "failmap-app-"));
  try {
    const organisations = path.join(dir, "organisations");
    fs.mkdirSync(organisations);
    for (const [name, text] of Object.entries(files)) fs.writeFileSync(path.join(organisations, name), text);
    const outdir = path.join(dir, "out");
    const child = spawn(process.execPath, [path.join(ROOT, "scripts/dev/run-app.mjs")], {
      cwd: dir,
      env: { ...process.env, FAILMAP_ORGANISATIONS_DIR: organisations, CDKTF_OUTDIR: outdir, ...env },
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    const status = await new Promise<number | null>((resolve) => child.on("close", resolve));
    const written = fs.existsSync(outdir)
      ? fs.readdirSync(outdir, { recursive: true }).map(String).sort()
      : [];
    const read = (file: string) =>
      JSON.parse(fs.readFileSync(path.join(outdir, file), "utf8").replaceAll(dir, "<dir>")) as unknown;
    const contents = Object.fromEntries(written.filter((f) => f.endsWith(".json")).map((f) => [f, read(f)]));
    return { status, stdout, stderr, written, contents };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Runs the app once per folder, a few at a time: each run starts node and cdktf anew. The first runs alone,
 * because run-app.mjs rebuilds its bundle after a source change and parallel runs would race on it.
 */
export async function runAppOnEach(
  folders: readonly Readonly<Record<string, string>>[],
  parallel = 3,
): Promise<AppRun[]> {
  if (folders.length === 0) return [];
  const runs: AppRun[] = [await runApp(folders[0])];
  let next = 1;
  const worker = async () => {
    while (next < folders.length) {
      const i = next++;
      runs[i] = await runApp(folders[i]);
    }
  };
  await Promise.all(Array.from({ length: parallel }, worker));
  return runs;
}
