// The cdktf app command. Bundles main.ts with esbuild when a source is newer than the bundle, then runs the
// bundle in this same process. Measured faster than tsx or ts-node (bench/synth/RESULTS.md).
import fs from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const bundle = path.join(root, "dist", "main.js");
// .gen/versions.json stands for the generated bindings: walking all of .gen costs more than it saves.
const SOURCES = [
  "main.ts",
  "config",
  "constructs",
  "stacks",
  "synth",
  ".gen/versions.json",
  "package-lock.json",
];

function newestMtime(entry) {
  const stat = fs.statSync(entry, { throwIfNoEntry: false });
  if (!stat) return 0;
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(stat.mtimeMs, ...fs.readdirSync(entry).map((e) => newestMtime(path.join(entry, e))));
}

const built = fs.statSync(bundle, { throwIfNoEntry: false })?.mtimeMs ?? 0;
if (process.env.FAILMAP_REBUILD || SOURCES.some((s) => newestMtime(path.join(root, s)) > built)) {
  const { buildSync } = await import("esbuild");
  buildSync({
    absWorkingDir: root,
    entryPoints: ["main.ts"],
    outfile: bundle,
    bundle: true,
    platform: "node",
    target: "node20",
    format: "cjs",
    // One cdktf instance for the app and the CLI's expectations; the rest is bundled to save module lookups.
    external: ["cdktf", "constructs"],
    logLevel: "warning",
  });
}
createRequire(import.meta.url)(bundle);
