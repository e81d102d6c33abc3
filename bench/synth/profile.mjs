// Where a synth's CPU goes: runs the app as the cdktf CLI runs it (the bundle, in one process) under
// `node --cpu-prof`, and prints the self time by function and by file, and the total time (self and below) of
// the functions that name a phase of the synth (prepareStack, toTerraform, the stack rules, ...).
// Usage: node bench/synth/profile.mjs [organisations folder=organisations] [rows=25]
// The app is built first (scripts/dev/run-app.mjs) if a source changed; FAILMAP_SYNTH_WORKERS=1.
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const dir = path.resolve(process.argv[2] ?? path.join(root, "organisations"));
const rows = Number(process.argv[3] ?? 25);
const work = fs.mkdtempSync(path.join(os.tmpdir(), "synth-profile-"));

/** Functions whose time, with all they call, is a phase of the synth worth naming. */
const PHASES = [
  "loadOrganisations",
  "OrganisationStack",
  "synth",
  "prepareStack",
  "toTerraform",
  "resolve",
  "validate",
  "synthesize",
  "writeFileSync",
  "garbage collector",
];

try {
  const env = { ...process.env, FAILMAP_ORGANISATIONS_DIR: dir, FAILMAP_SYNTH_WORKERS: "1" };
  // Builds the bundle if needed, unprofiled.
  execFileSync(process.execPath, ["scripts/dev/run-app.mjs"], {
    cwd: root,
    stdio: "ignore",
    env: { ...env, CDKTF_OUTDIR: path.join(work, "warm") },
  });
  execFileSync(process.execPath, ["--cpu-prof", "--cpu-prof-dir", work, "dist/main.js"], {
    cwd: root,
    stdio: "ignore",
    env: { ...env, CDKTF_OUTDIR: path.join(work, "out") },
  });
  const file = fs.readdirSync(work).find((f) => f.endsWith(".cpuprofile"));
  const profile = JSON.parse(fs.readFileSync(path.join(work, file), "utf8"));
  summarize(profile);
} finally {
  fs.rmSync(work, { recursive: true, force: true });
}

function summarize({ nodes, samples, timeDeltas }) {
  const byId = new Map(nodes.map((n) => [n.id, n]));
  const parent = new Map();
  for (const n of nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  // Each sample counts as the mean interval: on a busy machine a sample that follows a long wait (the process
  // not scheduled) would otherwise charge that wait to whatever function it happened to find.
  const interval = timeDeltas.reduce((a, b) => a + b, 0) / samples.length;
  const self = new Map();
  samples.forEach((id) => self.set(id, (self.get(id) ?? 0) + interval));
  const total = [...self.values()].reduce((a, b) => a + b, 0);
  const name = (n) => n.callFrame.functionName || `(${n.callFrame.url ? "anonymous" : "program"})`;
  const where = (n) =>
    n.callFrame.url
      .replace(/^file:\/\//, "")
      .replace(`${root}/`, "")
      .replace(/^.*node_modules\//, "") || "(native)";

  const add = (map, key, t) => map.set(key, (map.get(key) ?? 0) + t);
  const byFunction = new Map();
  const byFile = new Map();
  const byPhase = new Map();
  for (const [id, t] of self) {
    const n = byId.get(id);
    add(byFunction, `${name(n)}  ${where(n)}:${n.callFrame.lineNumber + 1}`, t);
    add(byFile, where(n), t);
    // Each phase once per sample, however deep it recurses.
    const phases = new Set();
    for (let at = id; at !== undefined; at = parent.get(at)) {
      const fn = name(byId.get(at));
      if (PHASES.includes(fn) || fn === "(garbage collector)") phases.add(fn);
    }
    for (const p of phases) add(byPhase, p, t);
  }
  const print = (title, map, count) => {
    console.log(`\n${title}`);
    for (const [key, t] of [...map].sort((a, b) => b[1] - a[1]).slice(0, count)) {
      console.log(
        `${(t / 1000).toFixed(0).padStart(7)} ms ${((100 * t) / total).toFixed(1).padStart(5)} %  ${key}`,
      );
    }
  };
  console.log(`profile of ${dir}: ${(total / 1000).toFixed(0)} ms sampled`);
  print("phases (with all they call)", byPhase, PHASES.length + 1);
  print("self time by file", byFile, rows);
  print("self time by function", byFunction, rows);
}
