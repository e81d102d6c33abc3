// Median of N `cdktf synth` runs for each app command, beside the same CLI synthesizing an empty app.
// Usage: node bench/synth/run.mjs [runs=5]
import { execFileSync } from "node:child_process";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const runs = Number(process.argv[2] ?? 5);
const cli = path.join(root, "node_modules/cdktf-cli/bundle/bin/cdktf");
const variants = {
  "empty app (baseline)": "node bench/synth/empty-app.mjs",
  "project, esbuild bundle (cdktf.json)": "node scripts/operator/run-app.mjs",
  "project, esbuild bundle, forced rebuild": "FAILMAP_REBUILD=1 node scripts/operator/run-app.mjs",
  "project, tsx": "npx tsx main.ts",
  "project, tsx loader": "node --import tsx main.ts",
};

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const results = {};
for (const [name, app] of Object.entries(variants)) {
  const times = [];
  for (let i = 0; i < runs; i++) {
    const out = path.join(os.tmpdir(), `synth-bench-${i}`);
    const start = process.hrtime.bigint();
    execFileSync(process.execPath, [cli, "synth", "--app", app, "--output", out], {
      cwd: root,
      stdio: "ignore",
      env: { ...process.env, CHECKPOINT_DISABLE: "1" },
    });
    times.push(Number(process.hrtime.bigint() - start) / 1e9);
  }
  results[name] = median(times);
  console.log(
    `${name.padEnd(40)} median ${results[name].toFixed(2)} s  runs ${times.map((t) => t.toFixed(2)).join(" ")}`,
  );
}
const base = results["empty app (baseline)"];
for (const [name, t] of Object.entries(results)) {
  if (t !== base)
    console.log(`${name.padEnd(40)} +${(((t - base) / base) * 100).toFixed(0)}% over the empty app`);
}
