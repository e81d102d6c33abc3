import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { renderBootstrapEnv } from "../../../constructs/bootstrap/env-file";
import { repositoryRoot } from "../../../constructs/bootstrap/script-files";
import { BOOTSTRAP_ENV } from "../../unit/bootstrap/fixtures";

const bootstrapEnv = renderBootstrapEnv(BOOTSTRAP_ENV);

/** The variables an env file sets. */
const keysOf = (envFile: string): string[] =>
  envFile.split("\n").flatMap((line) => /^([A-Z0-9_]+)=/.exec(line)?.[1] ?? []);

describe("lib.sh stops before any step when bootstrap.env lacks a variable, and names it", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "failmap-host-constants-"));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
  fs.mkdirSync(path.join(dir, "config"));
  fs.copyFileSync(path.join(repositoryRoot(), "scripts/bootstrap/lib.sh"), path.join(dir, "lib.sh"));
  /** Sources lib.sh with this bootstrap.env; the exit status and stderr. */
  const sourceLib = (envFile: string) => {
    fs.writeFileSync(path.join(dir, "config/bootstrap.env"), envFile);
    try {
      execFileSync("bash", ["-c", `. ./lib.sh && echo sourced`], {
        cwd: dir,
        encoding: "utf8",
        stdio: "pipe",
      });
      return { status: 0, stderr: "" };
    } catch (error) {
      const { status, stderr } = error as { status: number; stderr: string };
      return { status, stderr };
    }
  };

  test("the whole file is accepted", () => {
    expect(sourceLib(bootstrapEnv)).toEqual({ status: 0, stderr: "" });
  });

  test.each(keysOf(bootstrapEnv))("without %s", (name) => {
    const without = bootstrapEnv
      .split("\n")
      .filter((line) => !line.startsWith(`${name}=`))
      .join("\n");
    const { status, stderr } = sourceLib(without);
    expect(status).not.toBe(0);
    expect(stderr).toContain(`${name}: missing in bootstrap.env`);
  });
});
