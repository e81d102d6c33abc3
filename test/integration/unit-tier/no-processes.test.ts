import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

/*
 * The unit tier starts no process (test/unit/no-processes.ts): jest runs, with the unit project's own
 * configuration, a test file that starts processes in the ways a unit test could, and each such test fails.
 */

const ROOT = path.resolve(__dirname, "../../..");

const FIXTURE = `
import { spawnSync } from "node:child_process";
import * as childProcess from "child_process";

test("starts a process", () => {
  spawnSync("true");
});

test("starts a process whose error the code under test swallows", () => {
  try {
    childProcess.execFile("true");
  } catch {
    // as code that falls back when a program is missing would
  }
});

test("starts none", () => {
  expect(childProcess.execFile).toBeDefined();
});
`;

interface JestResult {
  assertionResults: { title: string; status: string; failureMessages: string[] }[];
}

/** Runs jest with the unit project's configuration on one test file; its results and exit status. */
async function runAsUnitTest(file: string): Promise<{ status: number | null; results: JestResult[] }> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { projects } = require(path.join(ROOT, "jest.config.js")) as { projects: Record<string, unknown>[] };
  const unit = projects.find((project) => project.displayName === "unit");
  const config = { ...unit, rootDir: ROOT, roots: [path.dirname(file)], testMatch: [file] };
  const output = path.join(path.dirname(file), "results.json");
  const jest = spawn(
    process.execPath,
    [
      path.join(ROOT, "node_modules/jest/bin/jest.js"),
      ...["--config", JSON.stringify(config), "--ci", "--json", "--outputFile", output],
    ],
    { cwd: ROOT, stdio: "ignore" },
  );
  const status = await new Promise<number | null>((resolve) => jest.on("close", resolve));
  const { testResults } = JSON.parse(fs.readFileSync(output, "utf8")) as { testResults: JestResult[] };
  return { status, results: testResults };
}

describe("the unit tier", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "failmap-unit-guard-"));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  // One jest start with the swc transform: 3.0 s and 4.7 s with stress-ng --cpu 2 beside other test runs (load 18
  // to 26).
  it("fails every test that starts a process, and names the call", async () => {
    const file = path.join(dir, "starts-processes.test.ts");
    fs.writeFileSync(file, FIXTURE);
    const { status, results } = await runAsUnitTest(file);
    expect(status).toBe(1);
    const outcomes = results[0].assertionResults.map((r) => [
      r.title,
      r.status,
      r.failureMessages.join("\n"),
    ]);
    expect(outcomes).toEqual([
      ["starts a process", "failed", expect.stringContaining('spawnSync("true")')],
      [
        "starts a process whose error the code under test swallows",
        "failed",
        expect.stringContaining('the unit tier starts no process, and this test tried to: execFile("true")'),
      ],
      ["starts none", "passed", ""],
    ]);
  }, 90_000);
});
