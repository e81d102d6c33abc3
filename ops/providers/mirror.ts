import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { repositoryRoot } from "../../constructs/bootstrap/script-files";
import { PROVIDER_PLUGINS, registryAddress, type ProviderPlugin } from "./catalogue";

/** Git-ignored: the built plugins in Terraform's unpacked mirror layout, and the CLI config that uses them. */
export const PROVIDERS_DIR = path.join(repositoryRoot(), ".terraform-providers");
export const MIRROR_DIR = path.join(PROVIDERS_DIR, "mirror");
export const CLI_CONFIG = path.join(PROVIDERS_DIR, "terraform.rc");

export interface Unavailable {
  readonly plugin: ProviderPlugin;
  /** What went wrong, in one line: for a refused module, exactly what the Go module proxy answered. */
  readonly reason: string;
}

export interface MirrorReport {
  readonly built: readonly ProviderPlugin[];
  readonly cached: readonly ProviderPlugin[];
  readonly unavailable: readonly Unavailable[];
}

const PLATFORM = `${process.platform}_${{ x64: "amd64", arm64: "arm64" }[process.arch as string] ?? process.arch}`;

/** Where Terraform looks for a plugin in an unpacked filesystem mirror. */
export function pluginPath(plugin: ProviderPlugin): string {
  return path.join(
    MIRROR_DIR,
    registryAddress(plugin),
    plugin.version,
    PLATFORM,
    `terraform-provider-${plugin.type}_v${plugin.version}`,
  );
}

/** The plugins that are in the mirror, built from the module version the catalogue names today. */
export function mirroredPlugins(plugins = PROVIDER_PLUGINS): ProviderPlugin[] {
  return plugins.filter((p) => isCurrent(p));
}

/**
 * Builds every plugin that is not in the mirror yet (or was built from another module version) and writes
 * the CLI config. A plugin whose module the proxy refuses is reported, not replaced by anything else.
 */
export function buildMirror(
  plugins = PROVIDER_PLUGINS,
  log: (line: string) => void = () => {},
): MirrorReport {
  requireGo();
  const built: ProviderPlugin[] = [];
  const cached: ProviderPlugin[] = [];
  const unavailable: Unavailable[] = [];
  for (const plugin of plugins) {
    if (isCurrent(plugin)) {
      cached.push(plugin);
      continue;
    }
    log(
      `building ${plugin.type} ${plugin.version} from ${plugin.replacedBy ?? plugin.module}@${plugin.moduleVersion}`,
    );
    const started = Date.now();
    const failure = build(plugin);
    if (failure) unavailable.push({ plugin, reason: failure });
    else {
      built.push(plugin);
      log(`  built in ${Math.round((Date.now() - started) / 1000)} s`);
    }
  }
  writeCliConfig();
  return { built, cached, unavailable };
}

/**
 * Installs only from the mirror: with no `direct {}` block nothing goes to a registry, so a plugin that is
 * not in the mirror fails `terraform init` instead of being fetched from somewhere.
 */
export function renderCliConfig(mirror: string): string {
  return [
    "# Written by `npm run providers`: Terraform installs plugins only from the local mirror.",
    "disable_checkpoint = true",
    "provider_installation {",
    "  filesystem_mirror {",
    `    path    = ${JSON.stringify(mirror)}`,
    '    include = ["registry.terraform.io/*/*"]',
    "  }",
    "}",
    "",
  ].join("\n");
}

function writeCliConfig(): void {
  mkdirSync(MIRROR_DIR, { recursive: true });
  writeFileSync(CLI_CONFIG, renderCliConfig(MIRROR_DIR));
}

const stampOf = (plugin: ProviderPlugin) => `${pluginPath(plugin)}.source`;
const sourceOf = (plugin: ProviderPlugin) =>
  `${plugin.replacedBy ?? plugin.module}@${plugin.moduleVersion}\n`;

function isCurrent(plugin: ProviderPlugin): boolean {
  const stamp = stampOf(plugin);
  return (
    existsSync(pluginPath(plugin)) && existsSync(stamp) && readFileSync(stamp, "utf8") === sourceOf(plugin)
  );
}

/** Builds one plugin into the mirror; returns why it could not, or undefined. */
function build(plugin: ProviderPlugin): string | undefined {
  const work = mkdtempSync(path.join(os.tmpdir(), `failmap-provider-${plugin.type}-`));
  try {
    const output = path.join(work, "plugin");
    const env = {
      ...process.env,
      CGO_ENABLED: "0",
      GOFLAGS: "-mod=mod",
      ...(plugin.noChecksumDatabase ? { GONOSUMDB: plugin.module } : {}),
    };
    writeWrapperModule(work, plugin);
    const run = spawnSync("go", ["build", "-trimpath", "-o", output, plugin.module], {
      cwd: work,
      env,
      encoding: "utf8",
    });
    if (run.status !== 0) return explainFailure(plugin, `${run.stderr}${run.stdout}`);
    const destination = pluginPath(plugin);
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
function writeWrapperModule(dir: string, plugin: ProviderPlugin): void {
  const lines = [
    "module failmap.invalid/provider-build",
    "",
    "go 1.24",
    "",
    `require ${plugin.module} ${plugin.replacedBy ? "v0.0.0" : plugin.moduleVersion}`,
  ];
  if (plugin.replacedBy)
    lines.push(`replace ${plugin.module} => ${plugin.replacedBy} ${plugin.moduleVersion}`);
  writeFileSync(path.join(dir, "go.mod"), `${lines.join("\n")}\n`);
}

/** The proxy's own answer when it refused a module; otherwise the end of the Go command's output. */
export function explainFailure(plugin: ProviderPlugin, output: string): string {
  const refused = output.match(/reading \S+: (\d{3} [^\n]*)(?:\n\s*server response: ([^\n]*))?/);
  const module = `${plugin.replacedBy ?? plugin.module}@${plugin.moduleVersion}`;
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
