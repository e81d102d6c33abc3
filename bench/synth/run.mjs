// Median of N `cdktf synth` runs for each app command, beside the same CLI synthesizing an empty app: wall
// time and CPU time (user + system of the CLI and all it starts, which a busy machine disturbs less).
// Usage: node bench/synth/run.mjs [runs=5] [variant names...]   (default: every variant; needs /usr/bin/time,
// Debian package time)
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const runs = Number(process.argv[2] ?? 5);
const only = process.argv.slice(3);
const cli = path.join(root, "node_modules/cdktf-cli/bundle/bin/cdktf");
const variants = Object.entries({
  "empty app (baseline)": "node bench/synth/empty-app.mjs",
  "project, esbuild bundle (cdktf.json)": "node scripts/dev/run-app.mjs",
  "project, esbuild bundle, forced rebuild": "FAILMAP_REBUILD=1 node scripts/dev/run-app.mjs",
  "project, tsx": "npx tsx main.ts",
  "project, tsx loader": "node --import tsx main.ts",
}).filter(([name]) => only.length === 0 || only.includes(name));

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const times = new Map(variants.map(([name]) => [name, { wall: [], cpu: [] }]));
// Interleaved, so that a change in the machine's load affects every variant alike.
for (let i = 0; i < runs; i++) {
  for (const [name, app] of variants) {
    const out = path.join(os.tmpdir(), `synth-bench-${i}`);
    const measured = path.join(os.tmpdir(), `synth-bench-time`);
    spawnSync(
      "/usr/bin/time",
      ["-f", "%e %U %S", "-o", measured, process.execPath, cli, "synth", "--app", app, "--output", out],
      {
        cwd: root,
        stdio: "ignore",
        env: { ...process.env, CHECKPOINT_DISABLE: "1" },
      },
    );
    const [wall, user, system] = fs.readFileSync(measured, "utf8").trim().split(" ").map(Number);
    times.get(name).wall.push(wall);
    times.get(name).cpu.push(user + system);
    fs.rmSync(out, { recursive: true, force: true });
  }
}
const base = times.get("empty app (baseline)");
for (const [name, { wall, cpu }] of times) {
  const ratios = base
    ? `  ${(median(wall) / median(base.wall)).toFixed(2)}x wall  ${(median(cpu) / median(base.cpu)).toFixed(2)}x CPU`
    : "";
  console.log(
    `${name.padEnd(40)} wall ${median(wall).toFixed(2)} s  CPU ${median(cpu).toFixed(2)} s${ratios}` +
      `  (each run, wall / CPU: ${wall.map((t, i) => `${t.toFixed(2)}/${cpu[i].toFixed(2)}`).join(" ")})`,
  );
}
console.log(
  `load average after the runs: ${os
    .loadavg()
    .map((l) => l.toFixed(1))
    .join(" ")}`,
);
