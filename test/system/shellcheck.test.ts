import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { repositoryRoot } from "../../constructs/bootstrap/script-files";
import { requireProgram } from "./support/programs";

/** Every shell script that runs on a host or on the operator's machine. */
function shellScripts(root: string): string[] {
  const found: string[] = [];
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const file = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(file);
      else if (
        entry.name.endsWith(".sh") ||
        /^#!\S*(\/| )(ba)?sh\b/.test(fs.readFileSync(file, "utf8").slice(0, 30))
      ) {
        found.push(path.relative(root, file));
      }
    }
  };
  for (const dir of ["scripts", "ops", ".ci"]) walk(path.join(root, dir));
  return found.sort();
}

test("shellcheck passes on every shell script: host scripts, CI and operator tooling", () => {
  requireProgram("shellcheck", "shellcheck");
  const root = repositoryRoot();
  const scripts = shellScripts(root);
  expect(scripts).toEqual(
    expect.arrayContaining([
      ".ci/run",
      "ops/ci/scheduled-apply.sh",
      "scripts/bootstrap/run.sh",
      "scripts/host/failmap-deploy",
    ]),
  );
  let report = "";
  try {
    execFileSync("shellcheck", ["--format=gcc", ...scripts], { cwd: root, encoding: "utf8" });
  } catch (error) {
    report = (error as { stdout?: string }).stdout ?? String(error);
  }
  expect(report).toBe("");
});
