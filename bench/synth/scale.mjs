// `cdktf synth` with 1, 10 and 100 organisation files: all of them (in one process, the default, and split in
// two with FAILMAP_SYNTH_WORKERS=2), and one of them (FAILMAP_ORGANISATION, and `cdktf diff org-org001` as an
// operator types it, with a stand-in terraform that stops the command after its synth), beside one file alone. The
// files are the example organisation under other names. Runs are interleaved, so that a change in the
// machine's load affects every variant alike. Each figure is the median of the wall time and of the CPU time
// (user + system, of the CLI and everything it starts), which a busy machine disturbs less.
// Usage: node bench/synth/scale.mjs [runs=3]   (needs /usr/bin/time, Debian package time)
import { execFileSync, spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const runs = Number(process.argv[2] ?? 3);
const cli = path.join(root, "node_modules/.bin/cdktf");
const work = fs.mkdtempSync(path.join(os.tmpdir(), "synth-scale-"));
const example = fs.readFileSync(path.join(root, "organisations/faalkaart.yaml"), "utf8");

/** A folder of `count` organisation files: org001, org002, ... with their own domains. */
function organisations(count) {
  const dir = path.join(work, `orgs-${count}`);
  fs.mkdirSync(dir);
  for (let i = 1; i <= count; i++) {
    const name = `org${String(i).padStart(3, "0")}`;
    fs.writeFileSync(path.join(dir, `${name}.yaml`), example.replaceAll("faalkaart", name));
  }
  return dir;
}

// A terraform that answers `version` and fails everything else: `cdktf diff` stops right after its synth.
const terraform = path.join(work, "terraform");
fs.writeFileSync(terraform, `#!/bin/sh\n[ "$1" = version ] || exit 1\necho 'Terraform v1.11.4'\n`, {
  mode: 0o755,
});

const variants = [];
for (const count of [1, 10, 100]) {
  const dir = organisations(count);
  variants.push({ name: `${count} file(s), all stacks`, env: { FAILMAP_ORGANISATIONS_DIR: dir } });
  if (count !== 10) {
    variants.push({
      name: `${count} file(s), cdktf diff org-org001`,
      env: { FAILMAP_ORGANISATIONS_DIR: dir, TERRAFORM_BINARY_NAME: terraform },
      command: ["diff", "org-org001"],
    });
  }
  if (count > 1) {
    variants.push({
      name: `${count} files, one stack`,
      env: { FAILMAP_ORGANISATIONS_DIR: dir, FAILMAP_ORGANISATION: "org001" },
    });
    variants.push({
      name: `${count} files, two processes`,
      env: { FAILMAP_ORGANISATIONS_DIR: dir, FAILMAP_SYNTH_WORKERS: "2" },
    });
  }
}

const times = new Map(variants.map((v) => [v.name, { wall: [], cpu: [] }]));
try {
  // One synth first, untimed: it builds the app's bundle if a source changed.
  execFileSync(cli, ["synth", "--output", path.join(work, "out")], { cwd: root, stdio: "ignore" });
  for (let i = 0; i < runs; i++) {
    for (const { name, env, command = ["synth"] } of variants) {
      const out = path.join(work, "out");
      const measured = path.join(work, "time");
      fs.rmSync(out, { recursive: true, force: true });
      spawnSync("/usr/bin/time", ["-f", "%e %U %S", "-o", measured, cli, ...command, "--output", out], {
        cwd: root,
        stdio: "ignore",
        env: { ...process.env, CHECKPOINT_DISABLE: "1", ...env },
      });
      const [wall, user, system] = fs
        .readFileSync(measured, "utf8")
        .trim()
        .split("\n")
        .at(-1) // after "Command exited with non-zero status 1", which cdktf diff ends with here
        .split(" ")
        .map(Number);
      times.get(name).wall.push(wall);
      times.get(name).cpu.push(user + system);
    }
  }
} finally {
  fs.rmSync(work, { recursive: true, force: true });
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const one = times.get("1 file(s), all stacks");
const [oneWall, oneCpu] = [median(one.wall), median(one.cpu)];
console.log(`${"".padEnd(36)} wall       ratio   CPU        ratio   each run: wall / CPU`);
for (const [name, { wall, cpu }] of times) {
  const [w, c] = [median(wall), median(cpu)];
  console.log(
    `${name.padEnd(36)} ${w.toFixed(2).padStart(6)} s  ${(w / oneWall).toFixed(2)}x  ` +
      `${c.toFixed(2).padStart(6)} s  ${(c / oneCpu).toFixed(2)}x  ` +
      wall.map((t, i) => `${t.toFixed(1)}/${cpu[i].toFixed(2)}`).join(" "),
  );
}
console.log(
  `load average after the runs: ${os
    .loadavg()
    .map((l) => l.toFixed(1))
    .join(" ")}; cores: ${os.availableParallelism()}`,
);
