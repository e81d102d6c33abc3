import fs from "node:fs";
import path from "node:path";
import { inChroot } from "./debian-rootfs";

/*
 * What an image needs besides its Debian packages, as data: files to put in the tree and commands to run in
 * it. Data rather than a function, so that the rootfs cache key can hold all of it (contents included): a
 * changed script or stand-in builds a new tree, never a stale cached one.
 */

export interface TreeFile {
  readonly content: string;
  readonly mode: number;
}

export interface TreeSteps {
  /** Run in the tree as root, in order, first (users, directories, links, moving a package's file aside). */
  readonly commands?: readonly (readonly string[])[];
  /** Path inside the image → the file; written after the commands. */
  readonly files?: Readonly<Record<string, TreeFile>>;
}

const IMAGES_DIR = __dirname;

/** A file of rehearsal/images, with its executable bit. */
export function repoFile(relative: string): TreeFile {
  const file = path.join(IMAGES_DIR, relative);
  return { content: fs.readFileSync(file, "utf8"), mode: fs.statSync(file).mode & 0o111 ? 0o755 : 0o644 };
}

/** Every file under a directory of rehearsal/images, placed under `inside`. */
export function repoDirectory(relative: string, inside: string): Record<string, TreeFile> {
  const files: Record<string, TreeFile> = {};
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(path.join(IMAGES_DIR, dir), { withFileTypes: true })) {
      const child = path.posix.join(dir, entry.name);
      if (entry.isDirectory()) walk(child);
      else if (entry.isFile() && !entry.name.endsWith(".pyc")) {
        files[path.posix.join(inside, path.posix.relative(relative, child))] = repoFile(child);
      }
    }
  };
  walk(relative);
  return files;
}

/** Applies the steps to a tree (the rootfs cache's finishing step). */
export function applyTreeSteps(root: string, steps: TreeSteps): void {
  for (const command of steps.commands ?? []) inChroot(root, command);
  for (const [inside, file] of Object.entries(steps.files ?? {})) {
    const target = path.join(root, inside);
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.writeFileSync(target, file.content, { mode: file.mode });
    fs.chmodSync(target, file.mode);
  }
}
