import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { repositoryRoot } from "../../constructs/bootstrap/script-files";
import { PROVIDER_PLUGINS, type GoModule, type ProviderPlugin } from "./catalogue";
import { unpackedPluginPath } from "./plugin-dirs";

/** Git-ignored: the plugins built here, in Terraform's unpacked mirror layout, and the CLI config. */
export const PROVIDERS_DIR = path.join(repositoryRoot(), ".terraform-providers");
export const MIRROR_DIR = path.join(PROVIDERS_DIR, "mirror");

export interface Unavailable {
  readonly plugin: ProviderPlugin;
  /** What went wrong, in one line: for a refused module, exactly what the Go module proxy answered. */
  readonly reason: string;
}

export interface BuildReport {
  readonly built: readonly ProviderPlugin[];
  readonly unavailable: readonly Unavailable[];
}

/** A plugin that has a Go module to build it from, with that module. */
type Buildable = ProviderPlugin & { readonly goModule: GoModule };

const isBuildable = (plugin: ProviderPlugin): plugin is Buildable => plugin.goModule !== undefined;

/**
 * Builds every plugin of the catalogue that has a Go module and is not in the mirror yet (or was built from
 * another module version).
 */
export function buildPlugins(
  plugins = PROVIDER_PLUGINS,
  log: (line: string) => void = () => {},
): BuildReport {
  const buildable = plugins.filter(isBuildable);
  if (buildable.length > 0) requireGo();
  const built: ProviderPlugin[] = [];
  const unavailable: Unavailable[] = [];
  for (const plugin of buildable) {
    if (isCurrent(plugin)) continue;
    log(`building ${plugin.type} ${plugin.version} from ${plugin.goModule.path}@${plugin.goModule.version}`);
    const started = Date.now();
    const failure = build(plugin);
    if (failure) unavailable.push({ plugin, reason: failure });
    else {
      built.push(plugin);
      log(`  built in ${Math.round((Date.now() - started) / 1000)} s`);
    }
  }
  return { built, unavailable };
}

const stampOf = (plugin: Buildable) => `${unpackedPluginPath(MIRROR_DIR, plugin)}.source`;
const sourceOf = (plugin: Buildable) => `${plugin.goModule.path}@${plugin.goModule.version}\n`;

function isCurrent(plugin: Buildable): boolean {
  const stamp = stampOf(plugin);
  return (
    existsSync(unpackedPluginPath(MIRROR_DIR, plugin)) &&
    existsSync(stamp) &&
    readFileSync(stamp, "utf8") === sourceOf(plugin)
  );
}

/** Builds one plugin into the mirror; returns why it could not, or undefined. */
function build(plugin: Buildable): string | undefined {
  const work = mkdtempSync(path.join(os.tmpdir(), `failmap-provider-${plugin.type}-`));
  try {
    const output = path.join(work, "plugin");
    const { goModule } = plugin;
    const env = {
      ...process.env,
      CGO_ENABLED: "0",
      GOFLAGS: "-mod=mod",
      ...(goModule.noChecksumDatabase ? { GONOSUMDB: goModule.path } : {}),
    };
    writeWrapperModule(work, goModule);
    const run = spawnSync("go", ["build", "-trimpath", "-o", output, goModule.path], {
      cwd: work,
      env,
      encoding: "utf8",
    });
    if (run.status !== 0) return explainFailure(goModule, `${run.stderr}${run.stdout}`);
    const destination = unpackedPluginPath(MIRROR_DIR, plugin);
    mkdirSync(path.dirname(destination), { recursive: true });
    renameSync(output, destination);
    writeFileSync(stampOf(plugin), sourceOf(plugin));
    return undefined;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/**
 * A throwaway module that requires the plugin, so `go build <package>` builds its main package with the
 * plugin's own go.mod deciding every dependency version.
 */
function writeWrapperModule(dir: string, goModule: GoModule): void {
  const lines = [
    "module failmap.invalid/provider-build",
    "",
    "go 1.24",
    "",
    `require ${goModule.path} ${goModule.version}`,
  ];
  writeFileSync(path.join(dir, "go.mod"), `${lines.join("\n")}\n`);
}

/** The proxy's own answer when it refused a module; otherwise the end of the Go command's output. */
export function explainFailure(goModule: GoModule, output: string): string {
  const refused = output.match(/reading \S+: (\d{3} [^\n]*)(?:\n\s*server response: ([^\n]*))?/);
  const module = `${goModule.path}@${goModule.version}`;
  if (refused) {
    const answer = refused[2] ? `${refused[1]}: "${refused[2].trim()}"` : refused[1];
    return `${module}: the Go module proxy answered ${answer}`;
  }
  const tail = output.trim().split("\n").slice(-5).join(" | ");
  return `${module}: go build failed: ${tail}`;
}

function requireGo(): void {
  const run = spawnSync("go", ["version"], { encoding: "utf8" });
  if (run.error || run.status !== 0) {
    throw new Error(
      "Go is needed to build the Terraform provider plugins and is not on the PATH: install Go 1.25 or newer " +
        "(Debian: apt-get install golang-go from bookworm-backports, or the go.dev tarball in /usr/local/go)",
    );
  }
}
