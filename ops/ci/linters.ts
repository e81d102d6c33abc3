import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { PROJECT_ROOT } from "../organisations/select";

/**
 * The linters the test suite runs on the CI definitions themselves:
 * - actionlint for .github/workflows (it also reads the local actions they use, and runs shellcheck on every
 *   `run:` script), built from the Go module proxy at a pinned version;
 * - gitlab-ci-local (a devDependency) for GitLab: it expands `extends`, `needs` and includes as GitLab does and
 *   validates the result against GitLab's own CI JSON schema, which it ships. 4.64.1 is its last release that
 *   runs on Node 20; later ones need Node 22.
 */
export const ACTIONLINT_VERSION = "v1.7.12";

/** Built tools are cached here by version; the folder is git-ignored. */
const TOOLS = path.join(PROJECT_ROOT, ".cache", "tools");

export interface LintResult {
  readonly status: number | null;
  readonly output: string;
}

/** The actionlint binary, built with `go install` the first time (a few seconds with a warm module cache). */
export function actionlintBinary(): string {
  const binary = path.join(TOOLS, `actionlint-${ACTIONLINT_VERSION}`);
  if (fs.existsSync(binary)) return binary;
  fs.mkdirSync(TOOLS, { recursive: true });
  const gobin = fs.mkdtempSync(path.join(TOOLS, "build-"));
  try {
    const build = spawnSync(
      "go",
      ["install", `github.com/rhysd/actionlint/cmd/actionlint@${ACTIONLINT_VERSION}`],
      { env: { ...process.env, GOBIN: gobin }, encoding: "utf8" },
    );
    if (build.error) {
      throw new Error(
        `Go is needed to build actionlint and is not on the PATH: scripts/dev/preflight.sh --install`,
      );
    }
    if (build.status !== 0)
      throw new Error(`go install actionlint ${ACTIONLINT_VERSION} failed:\n${build.stderr}`);
    // A rename, so that a build cut short never leaves a half-written binary under the cached name.
    fs.renameSync(path.join(gobin, "actionlint"), binary);
    return binary;
  } finally {
    fs.rmSync(gobin, { recursive: true, force: true });
  }
}

/** actionlint on the given workflow files, from the project root (where it finds .github/actions). */
export function actionlint(files: readonly string[]): LintResult {
  const run = spawnSync(actionlintBinary(), ["-no-color", ...files], { cwd: PROJECT_ROOT, encoding: "utf8" });
  return { status: run.status, output: `${run.stdout}${run.stderr}`.trim() };
}

/**
 * gitlab-ci-local on one pipeline's YAML, in a scratch folder (it writes its own state next to the file):
 * status 0 only when the pipeline expands and passes GitLab's schema.
 */
export function gitlabCiLint(yaml: string): LintResult {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "failmap-gitlab-ci-"));
  try {
    fs.writeFileSync(path.join(dir, ".gitlab-ci.yml"), yaml);
    const cli = path.join(PROJECT_ROOT, "node_modules/gitlab-ci-local/src/index.js");
    const run = spawnSync(process.execPath, [cli, "--list"], { cwd: dir, encoding: "utf8" });
    return { status: run.status, output: `${run.stdout}${run.stderr}`.trim() };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
