import { spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { holdNetwork } from "../../../rehearsal/network/network-hold";

/*
 * Test files on one rehearsal network take turns for it while jest runs files side by side: the second waits
 * for the first's release, and a holder that dies (a killed jest worker) frees the network with it.
 */
const PREFIX = `fmhold${process.pid}`;
afterAll(() => fs.rmSync(`/var/tmp/failmap-rehearsal/locks/${PREFIX}.lock`, { force: true }));
const settled = (promise: Promise<unknown>, ms: number) =>
  Promise.race([promise.then(() => true), new Promise((resolve) => setTimeout(() => resolve(false), ms))]);

test("a second hold waits until the first is released, and is told why", async () => {
  const first = await holdNetwork(PREFIX);
  const lines: string[] = [];
  const second = holdNetwork(PREFIX, (line) => lines.push(line));
  expect(await settled(second, 3000)).toBe(false);
  expect(lines.join("\n")).toContain(`network ${PREFIX}: waiting for another run on it`);
  first.release();
  expect(await settled(second, 10_000)).toBe(true);
  (await second).release();
});

test("a holder that is killed frees the network", async () => {
  const script = `require(${JSON.stringify(path.resolve(__dirname, "../../../rehearsal/network/network-hold.ts"))}).holdNetwork(${JSON.stringify(PREFIX)}).then(() => console.log("held"))`;
  // One node process (tsx's loader in it, not tsx's CLI, which would start a second).
  const holder = spawn(process.execPath, ["--require", "tsx/cjs", "-e", script], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  await new Promise<void>((resolve) =>
    holder.stdout.on("data", (d: Buffer) => /held/.test(`${d}`) && resolve()),
  );
  const next = holdNetwork(PREFIX);
  expect(await settled(next, 3000)).toBe(false);
  holder.kill("SIGKILL");
  expect(await settled(next, 10_000)).toBe(true);
  (await next).release();
}, 60_000);
