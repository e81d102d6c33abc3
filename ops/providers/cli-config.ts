import { registryAddress, type ProviderPlugin } from "./catalogue";

/** A directory laid out as a Terraform filesystem mirror, and the plugins Terraform takes from it. */
export interface MirrorSource {
  readonly dir: string;
  readonly plugins: readonly ProviderPlugin[];
}

/**
 * The Terraform CLI config: each plugin found on this machine is installed from the one directory it was
 * found in, and only from there; every other provider comes from its registry (`direct`), as Terraform does
 * by default and as CI with registry access does. With all of a stack's plugins found, nothing goes to the
 * network: `direct` excludes each of them. A CLI config with a provider_installation block replaces
 * Terraform's implied local mirrors, so the directories it should search are named here.
 */
export function renderCliConfig(mirrors: readonly MirrorSource[]): string {
  const used = mirrors.filter((m) => m.plugins.length > 0);
  const addresses = (plugins: readonly ProviderPlugin[]) =>
    `[${plugins.map((p) => JSON.stringify(registryAddress(p))).join(", ")}]`;
  const lines = [
    "# Written by `npm run providers`: the plugins found on this machine come from the directories below,",
    "# every other provider from its registry.",
    "disable_checkpoint = true",
    "provider_installation {",
  ];
  for (const mirror of used) {
    lines.push(
      "  filesystem_mirror {",
      `    path    = ${JSON.stringify(mirror.dir)}`,
      `    include = ${addresses(mirror.plugins)}`,
      "  }",
    );
  }
  const local = used.flatMap((m) => m.plugins);
  lines.push(
    "  direct {",
    ...(local.length > 0 ? [`    exclude = ${addresses(local)}`] : []),
    "  }",
    "}",
    "",
  );
  return lines.join("\n");
}
