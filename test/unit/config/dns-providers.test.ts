import { ACME_PROVIDER_VERSION } from "../../../config/data/acme-dns-providers";
import { PROVIDER_PLUGINS } from "../../../ops/providers/catalogue";
import { problemsAfter } from "./load-report";

/*
 * Issue 20: acme.dnsProvider is checked against the names the pinned acme Terraform provider takes (lego's
 * codes, as its dns_provider_factory.go lists them); any other name failed only at apply time.
 */

const problems = (dnsProvider: string) => problemsAfter((d) => (d.acme.dnsProvider = dnsProvider));

const refusal = (rest: string) =>
  new RegExp(`^organisations/faalkaart\\.yaml:\\d+: acme\\.dnsProvider: ${rest}`);

describe("acme.dnsProvider", () => {
  it.each([
    ["hetzer", "hetzner"],
    ["cloudflar", "cloudflare"],
    ["Route53", "route53"],
    ["digitalocaen", "digitalocean"],
  ])("'%s' is refused, naming the closest provider, %s", (written, meant) => {
    expect(problems(written)).toEqual([
      expect.stringMatching(
        refusal(
          `is not a DNS provider of the acme Terraform provider 2\\.48\\.1 .*; did you mean ${meant}\\?$`,
        ),
      ),
    ]);
  });

  it("a name nothing is close to is refused with examples", () => {
    expect(problems("mydns")).toEqual([
      expect.stringMatching(refusal("is not a DNS provider .*such as hetzner, cloudflare or exec$")),
    ]);
  });

  it("lego's second name for a provider, which the Terraform provider does not take, names the first", () => {
    expect(problems("acmedns")).toEqual([
      expect.stringMatching(refusal("is lego's second name for acme-dns, .*; write acme-dns$")),
    ]);
  });

  it.each(["hetzner", "exec", "cloudflare", "route53", "acme-dns", "rfc2136", "httpreq"])(
    "'%s' is accepted",
    (name) => {
      expect(problems(name)).toEqual([]);
    },
  );

  it("is checked against the list of the acme provider that is pinned", () => {
    const pinned = PROVIDER_PLUGINS.find((p) => p.type === "acme");
    expect(ACME_PROVIDER_VERSION).toBe(pinned?.version);
  });
});
