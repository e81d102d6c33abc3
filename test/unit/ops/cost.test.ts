import path from "node:path";
import { loadOrganisations } from "../../../config/load";
import { estimate, priceOf, renderEstimates } from "../../../ops/cost/estimate";
import { committedPrices, currentPrices, livePrices } from "../../../ops/cost/price-table";

const [faalkaart, failmapUk] = loadOrganisations(path.join(__dirname, "../../../organisations"));
const prices = committedPrices();

describe("npm run cost", () => {
  test("adds up faalkaart: server, backups, addresses and the scanner host", () => {
    const priced = { ...prices, serverTypesMonthly: { cx33: { nbg1: 6.8 }, cx23: { fsn1: 3.79 } } };
    const result = estimate(faalkaart, priced);
    expect(result.lines).toEqual([
      { item: "server faalserver.faalkaart.nl", detail: "cx33 in nbg1", monthly: 6.8 },
      { item: "  backups", detail: "20% of the server price", monthly: 1.36 },
      { item: "  primary IPv4", detail: "one address", monthly: 0.5 },
      { item: "worker hosts scanners", detail: "cx23 in fsn1", monthly: 3.79 },
      { item: "  primary IPv4", detail: "one address", monthly: 0.5 },
    ]);
    expect(result).toMatchObject({ total: 12.95, complete: true });
  });

  test("a type the dated table has no price for shows as unknown, and the total says it is partial", () => {
    const result = estimate(faalkaart, prices);
    expect(result.lines[0]).toEqual({
      item: "server faalserver.faalkaart.nl",
      detail: "cx33 in nbg1: no price in this table",
    });
    expect(result.complete).toBe(false);
    const report = renderEstimates([result], prices);
    expect(report).toContain("prices as of 2025-01-01");
    expect(report).toMatch(
      /total, without the lines marked \? \(set HCLOUD_TOKEN for today's prices\)\s+1\.00/,
    );
  });

  test("an existing server costs nothing here, and says why", () => {
    const result = estimate(failmapUk, prices);
    expect(result.total).toBe(0);
    expect(result.lines[0].detail).toBe("existing server: not managed or billed through this stack");
  });

  test("counts several worker hosts, and prices a volume per GB", () => {
    const server = {
      kind: "server" as const,
      label: "worker hosts scanners",
      field: "f",
      type: "cax11",
      location: "fsn1",
      count: 3,
      backups: false,
    };
    expect(priceOf(server, prices).map((l) => l.monthly)).toEqual([11.37, 1.5]);
    expect(
      priceOf({ kind: "volume", label: "volume data", field: "f", sizeGb: 100 }, prices)[0].monthly,
    ).toBe(4.4);
  });

  test("says how old the committed table is and where to get today's prices", () => {
    const report = renderEstimates([estimate(faalkaart, prices)], prices);
    expect(report).toMatch(
      /^Monthly cost in EUR excluding VAT \(config\/data\/hetzner-prices\.json, prices as of 2025-01-01\)\nNote: Out of date: .*HCLOUD_TOKEN/,
    );
  });

  test("falls back to the dated table when the API is unreachable, and says so", async () => {
    const unreachable = jest.fn(async () => {
      throw new TypeError("fetch failed", { cause: { code: "ENOTFOUND", hostname: "api.hetzner.cloud" } });
    });
    const fallback = await currentPrices("secret-token", unreachable as unknown as typeof fetch);
    expect(unreachable).toHaveBeenCalled();
    expect(estimate(faalkaart, fallback)).toMatchObject({ total: 1, complete: false });
    expect(renderEstimates([estimate(faalkaart, fallback)], fallback)).toContain(
      "(config/data/hetzner-prices.json, prices as of 2025-01-01, because live prices could not be read (fetch failed: ENOTFOUND api.hetzner.cloud))",
    );
  });

  test("falls back too when the API refuses the token", async () => {
    const refused = async () => new Response("{}", { status: 401 });
    const fallback = await currentPrices("wrong", refused as unknown as typeof fetch);
    expect(fallback.origin).toContain(
      "the Hetzner API answered HTTP 401 for /v1/pricing; check HCLOUD_TOKEN",
    );
  });

  test("reads live prices from the Hetzner API when a token is given", async () => {
    const price = (location: string, net: string) => ({ location, price_monthly: { net, gross: "0" } });
    const fakeFetch = jest.fn(async () =>
      Response.json({
        pricing: {
          currency: "EUR",
          server_backup: { percentage: "20.00" },
          volume: { price_per_gb_month: { net: "0.0500000000", gross: "0" } },
          primary_ips: [
            { type: "ipv4", prices: [price("nbg1", "0.6000000000"), price("fsn1", "0.6000000000")] },
          ],
          server_types: [
            { name: "cx33", prices: [price("nbg1", "7.0000000000")] },
            { name: "cx23", prices: [price("fsn1", "4.0000000000")] },
          ],
        },
      }),
    );
    const live = await livePrices("secret-token", fakeFetch as unknown as typeof fetch);
    expect(fakeFetch).toHaveBeenCalledWith(
      "https://api.hetzner.cloud/v1/pricing",
      expect.objectContaining({ headers: { Authorization: "Bearer secret-token" } }),
    );
    expect(estimate(faalkaart, live).total).toBe(7 + 1.4 + 0.6 + 4 + 0.6);
    expect(live.origin).toBe("live prices from the Hetzner Cloud API");
  });
});
