import { NullProvider } from "@cdktf/provider-null/lib/provider";
import { RandomProvider } from "@cdktf/provider-random/lib/provider";
import { TlsProvider } from "@cdktf/provider-tls/lib/provider";
import type { Construct } from "constructs";
import { HcloudProvider } from "../.gen/providers/hcloud/provider";

/**
 * Providers read their credentials from the environment (HCLOUD_TOKEN for hcloud), so no secret is ever
 * part of the synthesized configuration.
 */
export function configureProviders(scope: Construct, options: { hcloud: boolean }): void {
  new NullProvider(scope, "null");
  new RandomProvider(scope, "random");
  new TlsProvider(scope, "tls");
  if (options.hcloud) new HcloudProvider(scope, "hcloud", {});
}
