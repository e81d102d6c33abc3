import { spawn } from "node:child_process";
import { killAll, processTree, stillRuns } from "../../../rehearsal/machines/process-tree";

/*
 * What the rehearsal's power cut kills (rehearsal/machines/nspawn-machines.ts): a process and everything below
 * it, grandchildren that left their parent's process group included, and nothing else.
 */
test("finds a process and all below it, kills them all at once, and sees them gone", async () => {
  // sh -> sh -> sleep, and a sleep detached into a session of its own (setsid), as a daemon would be.
  const top = spawn("sh", ["-c", "sh -c 'sleep 300' & setsid sleep 300 & wait"], { stdio: "ignore" });
  const bystander = spawn("sleep", ["300"], { stdio: "ignore" });
  try {
    let tree: number[] = [];
    for (let i = 0; i < 50 && tree.length < 4; i++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      tree = processTree(top.pid!);
    }
    expect(tree[0]).toBe(top.pid);
    expect(tree).toHaveLength(4);
    expect(tree).not.toContain(bystander.pid);

    killAll(tree);
    for (let i = 0; i < 50 && tree.some(stillRuns); i++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(tree.filter(stillRuns)).toEqual([]);
    expect(stillRuns(bystander.pid!)).toBe(true);
  } finally {
    killAll([top.pid!, bystander.pid!]);
  }
});
