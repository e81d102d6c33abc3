import { spawnSync } from "node:child_process";
import path from "node:path";

/*
 * skipTokenTraces patches a private module of cdktf (synth/token-traces.ts). Jest loads its own copies of
 * modules, so the patch is checked in a plain Node process, as the app runs: a token made after it carries no
 * creation stack, unless cdktf's debug log level asks for the traces.
 */
const ROOT = path.resolve(__dirname, "../../..");
const SCRIPT = [
  'const { skipTokenTraces } = require("./synth/token-traces");',
  'const { Lazy } = require("cdktf");',
  "skipTokenTraces(process.env);",
  'console.log(Lazy.anyValue({ produce: () => "x" }).creationStack.length);',
].join("\n");

function creationStackLength(env: NodeJS.ProcessEnv): number {
  const run = spawnSync("npx", ["tsx", "-e", SCRIPT], { cwd: ROOT, env, encoding: "utf8", timeout: 60_000 });
  if (run.status !== 0) throw new Error(`tsx failed: ${run.stderr}`);
  return Number(run.stdout.trim());
}

describe("token creation stacks at synth", () => {
  const env = { ...process.env, CDKTF_LOG_LEVEL: "" };

  it("are not recorded by default (a fifth of a synth's CPU)", () => {
    expect(creationStackLength(env)).toBe(0);
  }, 90_000); // one tsx start: ~2 s idle

  it("are recorded with CDKTF_LOG_LEVEL=debug, for an error about a token that does not resolve", () => {
    expect(creationStackLength({ ...env, CDKTF_LOG_LEVEL: "debug" })).toBeGreaterThan(0);
  }, 90_000);
});
