import committed from "../../config/data/hetzner-prices.json";

/** Monthly prices in EUR excluding VAT, per location where a price differs by location. */
export interface PriceTable {
  /** Where the prices come from, for the report: the committed file's date, or the live API. */
  readonly origin: string;
  /** What the reader should know about these prices before trusting them (the committed table's age). */
  readonly caveat?: string;
  readonly backupPercentage: number;
  readonly primaryIpv4Monthly: Readonly<Record<string, number>>;
  readonly volumePerGbMonthly: number;
  readonly serverTypesMonthly: Readonly<Record<string, Readonly<Record<string, number>>>>;
}

export const COMMITTED_PRICES_FILE = "config/data/hetzner-prices.json";

export function committedPrices(): PriceTable {
  return {
    ...committed,
    origin: `${COMMITTED_PRICES_FILE}, prices as of ${committed.pricesAsOf}`,
    caveat: committed.caveat,
  };
}

/** Why a request failed, down to the network error fetch wraps ("fetch failed: ENOTFOUND api.hetzner.cloud"). */
function reasonOf(error: unknown): string {
  const e = error as Error & { cause?: { code?: string; hostname?: string; message?: string } };
  const cause = e.cause && [e.cause.code ?? e.cause.message, e.cause.hostname].filter(Boolean).join(" ");
  return cause ? `${e.message}: ${cause}` : e.message;
}

/**
 * Today's prices when a token is given and the API answers; otherwise the committed table, and when the API
 * was asked and failed, an origin that says so and why.
 */
export async function currentPrices(
  token: string | undefined,
  fetchImpl: typeof fetch = fetch,
): Promise<PriceTable> {
  const table = committedPrices();
  if (!token) return table;
  try {
    return await livePrices(token, fetchImpl);
  } catch (error) {
    return {
      ...table,
      origin: `${table.origin}, because live prices could not be read (${reasonOf(error)})`,
    };
  }
}

/** The parts of GET https://api.hetzner.cloud/v1/pricing that a cost estimate reads. */
interface LocationPrice {
  readonly location: string;
  readonly price_monthly: { readonly net: string };
}
interface HetznerPricing {
  readonly pricing: {
    readonly currency: string;
    readonly server_backup: { readonly percentage: string };
    readonly volume: { readonly price_per_gb_month: { readonly net: string } };
    readonly primary_ips: readonly { readonly type: string; readonly prices: readonly LocationPrice[] }[];
    readonly server_types: readonly { readonly name: string; readonly prices: readonly LocationPrice[] }[];
  };
}

const byLocation = (prices: readonly LocationPrice[]) =>
  Object.fromEntries(prices.map((p) => [p.location, Number(p.price_monthly.net)]));

/** Today's prices from the Hetzner Cloud API, with the project's token. */
export async function livePrices(token: string, fetchImpl: typeof fetch = fetch): Promise<PriceTable> {
  const response = await fetchImpl("https://api.hetzner.cloud/v1/pricing", {
    headers: { Authorization: `Bearer ${token}` },
    signal: AbortSignal.timeout(15_000),
  });
  if (!response.ok) {
    throw new Error(`the Hetzner API answered HTTP ${response.status} for /v1/pricing; check HCLOUD_TOKEN`);
  }
  const { pricing } = (await response.json()) as HetznerPricing;
  if (pricing.currency !== "EUR") throw new Error(`the Hetzner API prices in ${pricing.currency}, not EUR`);
  return {
    origin: "live prices from the Hetzner Cloud API",
    backupPercentage: Number(pricing.server_backup.percentage),
    primaryIpv4Monthly: byLocation(pricing.primary_ips.find((p) => p.type === "ipv4")?.prices ?? []),
    volumePerGbMonthly: Number(pricing.volume.price_per_gb_month.net),
    serverTypesMonthly: Object.fromEntries(pricing.server_types.map((t) => [t.name, byLocation(t.prices)])),
  };
}
