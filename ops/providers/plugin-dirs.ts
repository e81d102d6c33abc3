import { accessSync, constants, existsSync, readdirSync, statSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { registryAddress, type ProviderPlugin } from "./catalogue";

/** The one variable that names a further plugin mirror, searched before Terraform's own directories. */
export const MIRROR_VARIABLE = "FAILMAP_PROVIDER_MIRROR";

/** Terraform's name for this machine's platform, the last directory of a plugin in a mirror. */
export const PLATFORM = `${process.platform}_${{ x64: "amd64", arm64: "arm64" }[process.arch as string] ?? process.arch}`;

/** A directory searched for plugins, laid out as a Terraform filesystem mirror, and why it is searched. */
export interface PluginDir {
  readonly path: string;
  /** `FAILMAP_PROVIDER_MIRROR`, or `implied` for the directories Terraform itself searches. */
  readonly source: string;
}

/**
 * Where plugins are looked for, in order: the directory FAILMAP_PROVIDER_MIRROR names, then Terraform's
 * implied local mirror directories on Linux, in the order Terraform searches them when its CLI config has no
 * provider_installation block: ~/.terraform.d/plugins, then `terraform/plugins` below $XDG_DATA_HOME
 * (~/.local/share) and below each of $XDG_DATA_DIRS (/usr/local/share:/usr/share). Relative XDG entries are
 * ignored, as the XDG spec and Terraform do. Not searched: a working directory's own `terraform.d/plugins`,
 * which belongs to one configuration, not to the machine.
 */
export function pluginSearchDirs(env: NodeJS.ProcessEnv = process.env, home = os.homedir()): PluginDir[] {
  const named = env[MIRROR_VARIABLE];
  const dirs: PluginDir[] = named ? [{ path: namedMirror(named), source: MIRROR_VARIABLE }] : [];
  const absolute = (list: string) => list.split(":").filter((dir) => path.isAbsolute(dir));
  const dataHome = absolute(env.XDG_DATA_HOME ?? "")[0] ?? path.join(home, ".local", "share");
  const dataDirs = absolute(env.XDG_DATA_DIRS ?? "");
  const implied = [
    path.join(home, ".terraform.d", "plugins"),
    ...[dataHome, ...(dataDirs.length > 0 ? dataDirs : ["/usr/local/share", "/usr/share"])].map((dir) =>
      path.join(dir, "terraform", "plugins"),
    ),
  ];
  for (const dir of implied.map((p) => path.normalize(p))) {
    if (!dirs.some((d) => d.path === dir)) dirs.push({ path: dir, source: "implied" });
  }
  return dirs;
}

function namedMirror(value: string): string {
  const dir = path.resolve(value);
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    throw new Error(
      `${MIRROR_VARIABLE}=${value}: no such directory. Set it to an unpacked Terraform filesystem mirror ` +
        `(<dir>/registry.terraform.io/<namespace>/<type>/<version>/${PLATFORM}/terraform-provider-<type>_v<version>), ` +
        "or unset it.",
    );
  }
  return dir;
}

/** Where a plugin's executable lies in an unpacked filesystem mirror: the directory sets its version. */
export function unpackedPluginPath(mirror: string, plugin: ProviderPlugin): string {
  return path.join(
    unpackedPackageDir(mirror, plugin),
    `terraform-provider-${plugin.type}_v${plugin.version}`,
  );
}

function unpackedPackageDir(mirror: string, plugin: ProviderPlugin): string {
  return path.join(mirror, registryAddress(plugin), plugin.version, PLATFORM);
}

/**
 * Whether `dir` holds the plugin at its pinned version for this platform, in either layout Terraform reads
 * from a filesystem mirror: unpacked (an executable named terraform-provider-<type>... in the version's
 * platform directory) or packed (terraform-provider-<type>_<version>_<platform>.zip).
 */
export function holdsPlugin(dir: string, plugin: ProviderPlugin): boolean {
  const packed = path.join(
    dir,
    registryAddress(plugin),
    `terraform-provider-${plugin.type}_${plugin.version}_${PLATFORM}.zip`,
  );
  if (isFile(packed)) return true;
  const unpacked = unpackedPackageDir(dir, plugin);
  if (!existsSync(unpacked)) return false;
  return readdirSync(unpacked)
    .filter((name) => name.startsWith(`terraform-provider-${plugin.type}`))
    .some((name) => isExecutable(path.join(unpacked, name)));
}

/** The first directory that holds the plugin, as Terraform would find it. */
export function findPlugin(plugin: ProviderPlugin, dirs: readonly PluginDir[]): PluginDir | undefined {
  return dirs.find((dir) => holdsPlugin(dir.path, plugin));
}

function isFile(file: string): boolean {
  return existsSync(file) && statSync(file).isFile();
}

function isExecutable(file: string): boolean {
  if (!isFile(file)) return false;
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}
