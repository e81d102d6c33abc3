import fs from "node:fs";
import path from "node:path";
import type { LoadedOrganisation } from "../config/load";
import { pickOrganisation } from "./pick-organisation";
import { organisationOfStack, stackName } from "../config/model/names";

/** cdktf commands that act on the stacks they name; `synth`, `list` and `get` always cover every stack. */
const STACK_COMMANDS = new Set(["deploy", "destroy", "diff", "plan", "output", "watch"]);
/** How far up the process tree the CLI may be: app ← shell ← CLI, or worker ← app ← shell ← CLI. */
const CLI_DEPTH = 4;

/** The stack of an organisation: `cdktf deploy org-<name>`. */
const stackOf = (loaded: LoadedOrganisation) => stackName(loaded.organisation.name);

function commandLineOf(pid: number): string[] | undefined {
  try {
    return fs.readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").slice(0, -1);
  } catch {
    return undefined;
  }
}

function parentOf(pid: number): number | undefined {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
    // pid (comm) state ppid ...: comm may hold spaces and parentheses, so read from the last ')'.
    return Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]) || undefined;
  } catch {
    return undefined;
  }
}

const isCdktfCli = (argv: readonly string[]) =>
  argv.slice(0, 2).some((arg) => ["cdktf", "cdktf.js"].includes(path.basename(arg)));

/**
 * The command line of the cdktf CLI that started this app, from /proc. cdktf 0.21's CLI runs the app through
 * a shell and tells it neither the command nor the stacks: it never sets CDKTF_TARGET_STACK_ID, which cdktf's
 * App reads. undefined when no CLI started the app, or without /proc (then every stack is synthesized).
 */
export function cdktfCommandLine(pid: number = process.ppid): string[] | undefined {
  for (let depth = 0, at: number | undefined = pid; at && depth < CLI_DEPTH; depth++, at = parentOf(at)) {
    const argv = commandLineOf(at);
    if (argv && isCdktfCli(argv)) return argv;
  }
  return undefined;
}

/**
 * The stacks a cdktf command line names among `known`: `cdktf deploy org-x` names org-x. undefined (every
 * stack) for a command that takes no stacks, names none that exist (the CLI then says which it did not find),
 * or uses a pattern (`cdktf deploy 'org-*'`, which the CLI matches itself).
 */
export function stacksOfCommand(argv: readonly string[], known: ReadonlySet<string>): string[] | undefined {
  const words = argv.slice(2).filter((arg) => !arg.startsWith("-"));
  if (!STACK_COMMANDS.has(words[0])) return undefined;
  const named = words.slice(1);
  if (named.some((word) => /[*?[]/.test(word))) return undefined;
  const stacks = named.filter((word) => known.has(word));
  return stacks.length > 0 ? stacks : undefined;
}

/**
 * The organisations this synth builds stacks for, out of `all` (every file, already validated together):
 * FAILMAP_ORGANISATION=<name>; else CDKTF_TARGET_STACK_ID=org-<name>; else the stacks named on the cdktf
 * command that started the app; else all. An unknown name in either variable is an error that lists the
 * known ones.
 */
export function targetOrganisations(
  all: readonly LoadedOrganisation[],
  dir: string,
  env: NodeJS.ProcessEnv = process.env,
  commandLine: () => string[] | undefined = cdktfCommandLine,
): readonly LoadedOrganisation[] {
  const only = env.FAILMAP_ORGANISATION;
  if (only) return [withVariable("FAILMAP_ORGANISATION", () => pickOrganisation(all, only, dir))];
  const target = env.CDKTF_TARGET_STACK_ID;
  if (target) {
    return [
      withVariable("CDKTF_TARGET_STACK_ID", () => pickOrganisation(all, organisationOfStack(target), dir)),
    ];
  }
  const argv = commandLine();
  const named = argv && stacksOfCommand(argv, new Set(all.map(stackOf)));
  return named ? all.filter((loaded) => named.includes(stackOf(loaded))) : all;
}

function withVariable<T>(variable: string, pick: () => T): T {
  try {
    return pick();
  } catch (error) {
    throw new Error(`${variable}: ${(error as Error).message}`);
  }
}
