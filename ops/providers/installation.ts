import { mkdirSync, renameSync, writeFileSync } from "node:fs";
import path from "node:path";
import { PROVIDER_PLUGINS, pluginName, type ProviderPlugin } from "./catalogue";
import { renderCliConfig, type MirrorSource } from "./cli-config";
import { buildPlugins, MIRROR_DIR, PROVIDERS_DIR, type BuildReport } from "./mirror";
import { findPlugin, MIRROR_VARIABLE, pluginSearchDirs, type PluginDir } from "./plugin-dirs";

/** Git-ignored, written by preparePlugins: point TF_CLI_CONFIG_FILE at it. */
export const CLI_CONFIG = path.join(PROVIDERS_DIR, "terraform.rc");

/** Where each plugin of the catalogue is on this machine, and where it was looked for. */
export interface PluginSearch {
  readonly found: readonly { readonly plugin: ProviderPlugin; readonly dir: PluginDir }[];
  /** Not on this machine: Terraform asks the registry for them. */
  readonly missing: readonly ProviderPlugin[];
  readonly searched: readonly PluginDir[];
}

export interface PluginInstallation extends PluginSearch {
  readonly build: BuildReport;
}

/** The directories searched: the plugins built here first, then FAILMAP_PROVIDER_MIRROR and Terraform's own. */
export function searchDirs(env: NodeJS.ProcessEnv = process.env): PluginDir[] {
  return [{ path: MIRROR_DIR, source: "npm run providers" }, ...pluginSearchDirs(env)];
}

/** Looks each plugin up in `dirs`, in order; the first directory holding it is where it comes from. */
export function findPlugins(dirs: readonly PluginDir[], plugins = PROVIDER_PLUGINS): PluginSearch {
  const found: { plugin: ProviderPlugin; dir: PluginDir }[] = [];
  const missing: ProviderPlugin[] = [];
  for (const plugin of plugins) {
    const dir = findPlugin(plugin, dirs);
    if (dir) found.push({ plugin, dir });
    else missing.push(plugin);
  }
  return { found, missing, searched: dirs };
}

/** Each directory a plugin was found in, with the plugins Terraform is to take from it. */
export function mirrorSources(search: PluginSearch): MirrorSource[] {
  const byDir = new Map<string, ProviderPlugin[]>();
  for (const { plugin, dir } of search.found) byDir.set(dir.path, [...(byDir.get(dir.path) ?? []), plugin]);
  return [...byDir].map(([dir, plugins]) => ({ dir, plugins }));
}

/**
 * Builds the plugins that have a Go module, finds the others where Terraform looks for them, and writes the
 * CLI config (CLI_CONFIG) that installs each found plugin from its directory and the rest from the registry.
 */
export function preparePlugins(
  log: (line: string) => void = () => {},
  env: NodeJS.ProcessEnv = process.env,
): PluginInstallation {
  const build = buildPlugins(PROVIDER_PLUGINS, log);
  const search = findPlugins(searchDirs(env));
  mkdirSync(MIRROR_DIR, { recursive: true });
  // Written aside and renamed, so that a terraform run started meanwhile never reads half a file.
  const partial = `${CLI_CONFIG}.${process.pid}`;
  writeFileSync(partial, renderCliConfig(mirrorSources(search)));
  renameSync(partial, CLI_CONFIG);
  return { ...search, build };
}

/** Local provider names (hcloud, tls, ...) whose plugins were found. */
export function foundTypes(search: PluginSearch): Set<string> {
  return new Set(search.found.map(({ plugin }) => plugin.type));
}

/**
 * One line: which plugins are missing and every directory they were looked for in, or undefined when all
 * are there.
 */
export function describeMissing(
  search: PluginSearch,
  env: NodeJS.ProcessEnv = process.env,
): string | undefined {
  if (search.missing.length === 0) return undefined;
  const dirs = search.searched.map((d) =>
    d.source === MIRROR_VARIABLE ? `${d.path} (${MIRROR_VARIABLE})` : d.path,
  );
  const variable = env[MIRROR_VARIABLE] ? "" : ` (${MIRROR_VARIABLE} is not set)`;
  return (
    `provider plugins not found: ${search.missing.map(pluginName).join(", ")}; looked in ` +
    `${dirs.join(", ")}${variable}; Terraform asks registry.terraform.io for them`
  );
}
