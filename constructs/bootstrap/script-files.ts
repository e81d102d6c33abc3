import fs from "node:fs";
import path from "node:path";

export interface ScriptFile {
  readonly name: string;
  readonly content: string;
}

/**
 * The project folder, found by walking up to package.json: this code runs from constructs/ in tests and
 * from dist/main.js (bundled by esbuild) in a synth, so no fixed relative path fits both.
 */
export function repositoryRoot(start: string = __dirname): string {
  for (let dir = path.resolve(start); ; dir = path.dirname(dir)) {
    if (
      fs.existsSync(path.join(dir, "package.json")) &&
      fs.existsSync(path.join(dir, "scripts", "bootstrap"))
    ) {
      return dir;
    }
    if (path.dirname(dir) === dir) {
      throw new Error(`no project folder (package.json next to scripts/bootstrap) above ${start}`);
    }
  }
}

/**
 * The folders read in this process. The project's scripts do not change while the app runs, and every host of
 * every stack ships them: a synth of 100 organisations read the same two folders (22 files) 200 times.
 */
const read = new Map<string, readonly ScriptFile[]>();

/** The files of a folder such as scripts/bootstrap, sorted by name so that the bundle's hash is stable. */
export function readScriptFolder(relative: string, root: string = repositoryRoot()): readonly ScriptFile[] {
  const dir = path.join(root, relative);
  const known = read.get(dir);
  if (known) return known;
  const files = fs
    .readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => entry.name)
    .sort()
    .map((name) => ({ name, content: fs.readFileSync(path.join(dir, name), "utf8") }));
  read.set(dir, files);
  return files;
}
