import type { User } from "../../config/schema";
import type { DatabaseCredentials } from "../app/database-credentials";
import { renderDatabaseSql } from "./database-sql";
import { renderBootstrapEnv, renderDatabaseEnv, type BootstrapEnv } from "./env-file";
import { SSH_GROUP } from "./host-constants";
import type { ScriptFile } from "./script-files";
import { renderSshdConfig } from "./sshd-config";
import { renderUnattendedUpgrades } from "./unattended-upgrades";
import { renderUsersFile } from "./users-file";

/** Where the bundle lives on a host; `run.sh` in it is what HostBootstrap runs. */
export const BUNDLE_DIR = "/usr/local/lib/failmap/bootstrap";

export interface BundleFile {
  /** Relative to the bundle folder. */
  readonly path: string;
  readonly content: string;
  readonly mode: string;
}

export interface BootstrapBundleInput {
  readonly env: BootstrapEnv;
  /** HH:MM, when unattended-upgrades may reboot for a kernel update. */
  readonly rebootWindow: string;
  readonly users: readonly Pick<User, "name" | "sudo" | "shell" | "keys">[];
  /** The rendered nftables ruleset; may be a lazy token, as rules are added after bootstrap is made. */
  readonly nftables: string;
  readonly bootstrapScripts: readonly ScriptFile[];
  /** Admin tools (main only). */
  readonly hostScripts: readonly ScriptFile[];
  /** The instances' databases and accounts (main only). */
  readonly databases: readonly DatabaseCredentials[];
}

/** The scripts and their rendered configuration, as they are laid out on the host. */
export function bootstrapBundle(input: BootstrapBundleInput): BundleFile[] {
  const main = input.env.role === "main";
  const files: BundleFile[] = [
    ...input.bootstrapScripts.map((s) => ({ path: s.name, content: s.content, mode: "0755" })),
    { path: "config/bootstrap.env", content: renderBootstrapEnv(input.env), mode: "0644" },
    { path: "config/users", content: renderUsersFile(input.users), mode: "0644" },
    { path: "config/sshd.conf", content: renderSshdConfig({ allowGroup: SSH_GROUP }), mode: "0644" },
    { path: "config/nftables.nft", content: input.nftables, mode: "0644" },
    {
      path: "config/unattended-upgrades.conf",
      content: renderUnattendedUpgrades({ rebootWindow: input.rebootWindow }),
      mode: "0644",
    },
  ];
  if (!main) return files;
  return [
    ...files,
    ...input.hostScripts.map((s) => ({ path: `host/${s.name}`, content: s.content, mode: "0755" })),
    ...input.databases.map((db) => ({
      path: `config/databases/${db.instance}.env`,
      content: renderDatabaseEnv(db),
      mode: "0644",
    })),
    // Passwords: root only, on the host as in the upload.
    { path: "config/databases.sql", content: renderDatabaseSql(input.databases), mode: "0600" },
  ];
}
