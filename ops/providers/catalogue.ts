/**
 * The six provider plugins the stacks use, pinned, with the Go module each one is built from. The versions
 * are the ones in `required_providers`; the module versions are what the Go module proxy knows the release
 * tag as (null, random and tls declare a module path without their major version, so their tags are not
 * valid module versions and a pseudo-version of the tag's commit stands in for them).
 */
export interface ProviderPlugin {
  /** The registry address Terraform installs it as: registry.terraform.io/<namespace>/<type>. */
  readonly namespace: string;
  readonly type: string;
  readonly version: string;
  /** The Go package of the plugin's main, and the module version that holds the release. */
  readonly module: string;
  readonly moduleVersion: string;
  /**
   * Built through a wrapper module that replaces `module` with this module at `moduleVersion`: the
   * kreuzwerker docker provider still declares the old terraform-providers path in its go.mod.
   */
  readonly replacedBy?: string;
  /**
   * The checksum database has no entry for this pseudo-version, so the download is checked against the
   * proxy's answer only. Limited to the one module, never to its dependencies.
   */
  readonly noChecksumDatabase?: boolean;
}

export const PROVIDER_PLUGINS: readonly ProviderPlugin[] = [
  {
    namespace: "hetznercloud",
    type: "hcloud",
    version: "1.64.0",
    module: "github.com/hetznercloud/terraform-provider-hcloud",
    moduleVersion: "v1.64.0",
  },
  {
    namespace: "vancluever",
    type: "acme",
    version: "2.48.1",
    module: "github.com/vancluever/terraform-provider-acme/v2",
    moduleVersion: "v2.48.1",
  },
  {
    namespace: "kreuzwerker",
    type: "docker",
    version: "3.6.2",
    module: "github.com/terraform-providers/terraform-provider-docker",
    replacedBy: "github.com/kreuzwerker/terraform-provider-docker",
    moduleVersion: "v0.0.0-20250613214648-2f20f8c3ce82",
  },
  {
    namespace: "hashicorp",
    type: "null",
    version: "3.2.4",
    module: "github.com/terraform-providers/terraform-provider-null",
    moduleVersion: "v1.0.1-0.20250421213748-01034f80eb23",
  },
  {
    namespace: "hashicorp",
    type: "random",
    version: "3.7.2",
    module: "github.com/terraform-providers/terraform-provider-random",
    moduleVersion: "v1.3.2-0.20250422105519-bc2ddb552b46",
    noChecksumDatabase: true,
  },
  {
    namespace: "hashicorp",
    type: "tls",
    version: "4.1.0",
    module: "github.com/hashicorp/terraform-provider-tls",
    moduleVersion: "v1.2.1-0.20250423195406-eefba144662d",
  },
];

/** `registry.terraform.io/hetznercloud/hcloud`, as Terraform names the provider in plans and lock files. */
export function registryAddress(plugin: ProviderPlugin): string {
  return `registry.terraform.io/${plugin.namespace}/${plugin.type}`;
}
