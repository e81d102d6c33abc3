import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";

/** The packages scripts/dev/preflight.sh installs before `npm test`. */
const PACKAGE_LIST = path.resolve(__dirname, "../../scripts/dev/debian-packages.txt");

function preflightPackages(): Set<string> {
  const lines = fs.readFileSync(PACKAGE_LIST, "utf8").split("\n");
  return new Set(lines.map((line) => line.replace(/#.*/, "").trim()).filter(Boolean));
}

/**
 * Fails loudly when a real program a test or the rehearsal needs is missing, naming the Debian package that has it:
 * a system test never passes by skipping its subject. The package must be one that `npm test` installs,
 * so that a fresh machine gets it before the first test runs.
 */
export function requireProgram(program: string, debianPackage: string): string {
  if (!preflightPackages().has(debianPackage)) {
    throw new Error(
      `${debianPackage} (for ${program}) is not in ${path.relative(process.cwd(), PACKAGE_LIST)}: ` +
        "add it there, so that npm test installs it on a fresh machine",
    );
  }
  const found = program.startsWith("/")
    ? fs.existsSync(program)
    : spawnSync("sh", ["-c", `command -v ${program}`]).status === 0;
  if (!found) {
    throw new Error(
      `${program} is not installed: apt-get install ${debianPackage} (or scripts/dev/preflight.sh, as root)`,
    );
  }
  return program;
}
