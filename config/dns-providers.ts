import { closestName } from "./closest-name";
import { ACME_DNS_PROVIDERS, ACME_PROVIDER_VERSION, LEGO_ALIASES } from "./data/acme-dns-providers";

const KNOWN = new Set(ACME_DNS_PROVIDERS);

/**
 * Why `name` is not a DNS provider the pinned acme Terraform provider has (it would fail only at apply time,
 * "unknown provider name"), with the name to write instead; or undefined.
 */
export function dnsProviderProblem(name: string): string | undefined {
  if (KNOWN.has(name)) return undefined;
  const listed = `config/data/acme-dns-providers.ts lists all ${ACME_DNS_PROVIDERS.length}`;
  const alias = Object.hasOwn(LEGO_ALIASES, name) ? LEGO_ALIASES[name] : undefined;
  if (alias) {
    return `is lego's second name for ${alias}, which the acme Terraform provider ${ACME_PROVIDER_VERSION} does not take; write ${alias}`;
  }
  const near = closestName(name.toLowerCase(), ACME_DNS_PROVIDERS);
  return (
    `is not a DNS provider of the acme Terraform provider ${ACME_PROVIDER_VERSION} (lego's provider codes; ${listed}); ` +
    (near ? `did you mean ${near}?` : "write a lego provider code such as hetzner, cloudflare or exec")
  );
}
