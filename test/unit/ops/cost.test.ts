import path from "node:path";
import { loadOrganisations, type LoadedOrganisation } from "../../../config/load";
import { estimate, priceOf, renderEstimates } from "../../../ops/cost/estimate";
import { committedPrices, currentPrices, livePrices } from "../../../ops/cost/price-table";

const [faalkaart, failmapUk] = loadOrganisations(path.join(__dirname, "../../../organisations"));
const prices = committedPrices();

describe("npm run cost", () => {
  test("adds up faalkaart: server, backups, addresses and the scanner host", () => {
    const result = estimate(faalkaart, prices);
    expect(result.lines).toEqual([
      { item: "server faalserver.faalkaart.nl", detail: "cx32 in nbg1", monthly: 6.8 },
      { item: "  backups", detail: "20% of the server price", monthly: 1.36 },
      { item: "  primary IPv4", detail: "one address", monthly: 0.5 },
      { item: "worker hosts scanners", detail: "cx22 in fsn1", monthly: 3.79 },
      { item: "  primary IPv4", detail: "one address", monthly: 0.5 },
    ]);
    expect(result.total).toBe(12.95);
    expect(renderEstimates([result], prices)).toContain("prices as of 2025-01-01");
  });

  test("an existing server costs nothing here, and says why", () => {
    const result = estimate(failmapUk, prices);
    expect(result.total).toBe(0);
    expect(result.lines[0].detail).toBe("existing server: not managed or billed through this stack");
  });

  test("an unknown server type names the file and the field", () => {
    const org = faalkaart.organisation;
    if (org.server.provider !== "hetzner") throw new Error("faalkaart is expected on a Hetzner server");
    const typo: LoadedOrganisation = {
      ...faalkaart,
      organisation: { ...org, server: { ...org.server, type: "cx99" } },
    };
    expect(() => estimate(typo, prices)).toThrow(
      `${faalkaart.file}: server.type: server type 'cx99' has no price in nbg1 (ops/cost/prices.json, prices as of 2025-01-01)`,
    );
  });

  test("counts several worker hosts, and prices a volume per GB", () => {
    const server = {
      kind: "server" as const,
      label: "worker hosts scanners",
      field: "f",
      type: "cx22",
      location: "fsn1",
      count: 3,
      backups: false,
    };
    expect(priceOf(server, prices, "f.yaml").map((l) => l.monthly)).toEqual([11.37, 1.5]);
    expect(
      priceOf({ kind: "volume", label: "volume data", field: "f", sizeGb: 100 }, prices, "f.yaml")[0].monthly,
    ).toBe(4.4);
  });

  test("says how old the committed table is and where to get today's prices", () => {
    const report = renderEstimates([estimate(faalkaart, prices)], prices);
    expect(report).toMatch(
      /^Monthly cost in EUR excluding VAT \(ops\/cost\/prices\.json, prices as of 2025-01-01\)\nNote: Out of date: .*HCLOUD_TOKEN/,
    );
  });

  test("falls back to the dated table when the API is unreachable, and says so", async () => {
    const unreachable = jest.fn(async () => {
      throw new TypeError("fetch failed", { cause: { code: "ENOTFOUND", hostname: "api.hetzner.cloud" } });
    });
    const fallback = await currentPrices("secret-token", unreachable as unknown as typeof fetch);
    expect(unreachable).toHaveBeenCalled();
    expect(estimate(faalkaart, fallback).total).toBe(12.95);
    expect(renderEstimates([estimate(faalkaart, fallback)], fallback)).toContain(
      "(ops/cost/prices.json, prices as of 2025-01-01, because live prices could not be read (fetch failed: ENOTFOUND api.hetzner.cloud))",
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
            { name: "cx32", prices: [price("nbg1", "7.0000000000")] },
            { name: "cx22", prices: [price("fsn1", "4.0000000000")] },
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
