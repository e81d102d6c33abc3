import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { repositoryRoot } from "../../constructs/bootstrap/script-files";
import { requireProgram } from "./support/programs";

/**
 * Every shell script of the repository, tracked or new (not ignored): host scripts, CI, operator tooling, the
 * rehearsal's and the benchmarks'. A shell script is a *.sh file or one whose first line runs sh or bash.
 */
function shellScripts(root: string): string[] {
  const files = execFileSync(
    requireProgram("git", "git"),
    ["ls-files", "-z", "--cached", "--others", "--exclude-standard"],
    { cwd: root, encoding: "utf8" },
  )
    .split("\0")
    .filter((file) => file && fs.statSync(path.join(root, file), { throwIfNoEntry: false })?.isFile());
  return files
    .filter(
      (file) =>
        file.endsWith(".sh") ||
        /^#!\S*(\/| )(ba)?sh\b/.test(fs.readFileSync(path.join(root, file), "utf8").slice(0, 30)),
    )
    .sort();
}

test("shellcheck passes on every shell script: host scripts, CI, operator tooling, rehearsal and benchmarks", () => {
  requireProgram("shellcheck", "shellcheck");
  const root = repositoryRoot();
  const scripts = shellScripts(root);
  expect(scripts).toEqual(
    expect.arrayContaining([
      ".ci/run",
      "ops/ci/scheduled-apply.sh",
      "scripts/bootstrap/run.sh",
      "scripts/host/failmap-deploy",
      "rehearsal/images/nginx/docker-entrypoint.sh",
      "rehearsal/images/placeholder/serve",
      "rehearsal/network/rehearsal-net.sh",
      "rehearsal/rehearse/challtestsrv-exec.sh",
      "bench/rehearsal/nginx-change.sh",
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
