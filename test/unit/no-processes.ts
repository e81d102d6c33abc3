/*
 * The unit tier starts no process: its tests have jest's default five seconds each, which a process start on
 * a busy two-core machine can take alone (a unit test that started the app twice failed a loaded CI run so).
 * Every way child_process starts one is replaced here, for the test files and every module they load
 * (cdktf and the project's own), by one that refuses and fails the test, even when the code under test
 * catches the error. A test that needs a process belongs in test/integration, with a measured budget.
 */

/** The processes the current test tried to start. */
const mockStarted: string[] = [];

function mockGuarded(actual: typeof import("node:child_process")): typeof import("node:child_process") {
  const refuse =
    (name: string) =>
    (...args: unknown[]): never => {
      const call = `${name}(${JSON.stringify(args[0])})`;
      mockStarted.push(call);
      throw new Error(
        `the unit tier starts no process, and this test called child_process.${call}: ` +
          "move the test to test/integration and give it a time budget measured on a loaded machine",
      );
    };
  const starters = ["spawn", "spawnSync", "exec", "execSync", "execFile", "execFileSync", "fork"] as const;
  return { ...actual, ...Object.fromEntries(starters.map((name) => [name, refuse(name)])) };
}

jest.mock("node:child_process", () => mockGuarded(jest.requireActual("node:child_process")));
jest.mock("child_process", () => mockGuarded(jest.requireActual("child_process")));

afterEach(() => {
  const calls = mockStarted.splice(0);
  if (calls.length > 0) {
    throw new Error(
      `the unit tier starts no process, and this test tried to: ${calls.join(", ")}. ` +
        "Move it to test/integration, with a time budget measured on a loaded machine.",
    );
  }
});
