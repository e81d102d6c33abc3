import fs from "node:fs";

/*
 * The operator's side dying in the middle of an apply (the laptop's power, a CI runner lost): every process
 * of the run killed at once, as the machine going away would, with no chance to release the state lock or to
 * write the state.
 */

/** Every process whose command line holds `marker`, with all processes below them. */
export function processTree(marker: string): number[] {
  const parents = new Map<number, number>();
  const roots: number[] = [];
  for (const entry of fs.readdirSync("/proc").filter((name) => /^\d+$/.test(name))) {
    const pid = Number(entry);
    try {
      // The parent pid is the 4th field of stat, after the command name in parentheses (which may hold spaces).
      const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
      parents.set(pid, Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]));
      const cmdline = fs.readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").join(" ");
      if (cmdline.includes(marker) && pid !== process.pid) roots.push(pid);
    } catch {
      // The process ended while it was being read.
    }
  }
  const tree = new Set(roots);
  for (let grown = true; grown;) {
    grown = false;
    for (const [pid, parent] of parents) {
      if (tree.has(parent) && !tree.has(pid)) {
        tree.add(pid);
        grown = true;
      }
    }
  }
  return [...tree];
}

/** SIGKILL to the whole tree of `marker`'s processes; how many there were. */
export function killTree(marker: string): number {
  const tree = processTree(marker);
  for (const pid of tree) {
    try {
      process.kill(pid, "SIGKILL");
    } catch {
      // Gone already.
    }
  }
  return tree.length;
}

/** Resolves once `file` holds text matching `pattern` (polled; the file may not exist yet). */
export async function waitForLine(file: string, pattern: RegExp, timeoutMs: number): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const text = fs.existsSync(file) ? fs.readFileSync(file, "utf8") : "";
    const match = pattern.exec(text);
    if (match) return match[0];
    if (Date.now() > deadline)
      throw new Error(`${file}: nothing matched ${pattern} within ${timeoutMs / 1000} s`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}
