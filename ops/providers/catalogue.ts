/**
 * The six provider plugins the stacks use, pinned to the versions in `required_providers`. Two are built here
 * from their Go modules (`goModule`); the other four are taken from where Terraform looks for plugins, or from
 * the Terraform registry (see installation.ts).
 */
export interface ProviderPlugin {
  /** The registry address Terraform installs it as: registry.terraform.io/<namespace>/<type>. */
  readonly namespace: string;
  readonly type: string;
  readonly version: string;
  /**
   * The Go module `npm run providers` builds the plugin from.
   * @default - not built here
   */
  readonly goModule?: GoModule;
}

/**
 * The Go package of a plugin's main, and the module version that holds the release: what the Go module proxy
 * knows the release tag as (null, random and tls declare a module path without their major version, so their
 * tags are not valid module versions and a pseudo-version of the tag's commit stands in for them).
 */
export interface GoModule {
  readonly path: string;
  readonly version: string;
  /**
   * The checksum database has no entry for this pseudo-version, so the download is checked against the
   * proxy's answer only. Limited to the one module, never to its dependencies.
   * @default false
   */
  readonly noChecksumDatabase?: boolean;
}

export const PROVIDER_PLUGINS: readonly ProviderPlugin[] = [
  { namespace: "hetznercloud", type: "hcloud", version: "1.64.0" },
  { namespace: "vancluever", type: "acme", version: "2.48.1" },
  { namespace: "kreuzwerker", type: "docker", version: "3.6.2" },
  { namespace: "hashicorp", type: "null", version: "3.2.4" },
  {
    namespace: "hashicorp",
    type: "random",
    version: "3.7.2",
    goModule: {
      path: "github.com/terraform-providers/terraform-provider-random",
      version: "v1.3.2-0.20250422105519-bc2ddb552b46",
      noChecksumDatabase: true,
    },
  },
  {
    namespace: "hashicorp",
    type: "tls",
    version: "4.1.0",
    goModule: {
      path: "github.com/hashicorp/terraform-provider-tls",
      version: "v1.2.1-0.20250423195406-eefba144662d",
    },
  },
];

/** `registry.terraform.io/hetznercloud/hcloud`, as Terraform names the provider in plans and lock files. */
export function registryAddress(plugin: ProviderPlugin): string {
  return `registry.terraform.io/${plugin.namespace}/${plugin.type}`;
}

/** `hetznercloud/hcloud 1.64.0`, as messages name a plugin. */
export function pluginName(plugin: ProviderPlugin): string {
  return `${plugin.namespace}/${plugin.type} ${plugin.version}`;
}
