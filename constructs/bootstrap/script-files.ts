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

/** The files of a folder such as scripts/bootstrap, sorted by name so that the bundle's hash is stable. */
export function readScriptFolder(relative: string, root: string = repositoryRoot()): ScriptFile[] {
  const dir = path.join(root, relative);
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => entry.name)
    .sort()
    .map((name) => ({ name, content: fs.readFileSync(path.join(dir, name), "utf8") }));
}
