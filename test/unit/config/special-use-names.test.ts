import { problemsAfter as problems, type Data } from "./load-report";

/*
 * Issue 20: names under a special-use domain (RFC 6761 and after), which no public CA issues certificates for,
 * are refused when Let's Encrypt is to sign them, and accepted with a CA of one's own (the rehearsal's pebble)
 * or self-signed certificates.
 */

/** The example with every name moved from faalkaart.nl to `zone`. */
const under = (zone: string) => (d: Data) => {
  d.dnsZone = zone;
  d.server.fqdn = `faalserver.${zone}`;
  d.instances = { production: { domain: zone, aliases: [`www.${zone}`], admin: `admin.${zone}` } };
};

describe("names under a special-use domain", () => {
  it.each([
    ["faalkaart.test", "test", "RFC 6761"],
    ["faalkaart.local", "local", "RFC 6762"],
    ["faalkaart.invalid", "invalid", "RFC 6761"],
    ["faalkaart.localhost", "localhost", "RFC 6761"],
    ["faalkaart.example", "example", "RFC 6761"],
    ["faalkaart.onion", "onion", "RFC 7686"],
    ["faalkaart.alt", "alt", "RFC 9476"],
    ["faalkaart.home.arpa", "home.arpa", "RFC 8375"],
    ["faalkaart.internal", "internal", "ICANN"],
    ["faalkaart.example.com", "example.com", "RFC 6761"],
  ])("under %s are refused with Let's Encrypt, each naming its field", (zone, special, rfc) => {
    const found = problems(under(zone));
    const fields = [
      "server.fqdn",
      "instances.production.domain",
      "instances.production.aliases.0",
      "instances.production.admin",
    ];
    expect(found).toEqual(
      fields.map((field) =>
        expect.stringMatching(
          new RegExp(
            `^organisations/faalkaart\\.yaml:\\d+: ${field.replace(/\./g, "\\.")}: '[a-z.]+' is under ${special.replace(/\./g, "\\.")}, a special-use name \\(${rfc}[^)]*\\) that no public CA issues certificates for: Let's Encrypt \\(acme\\.directory production\\) would refuse`,
          ),
        ),
      ),
    );
  });

  it("are refused with Let's Encrypt's staging too", () => {
    expect(problems((d) => (under("faalkaart.test")(d), (d.acme.directory = "staging")))).toHaveLength(4);
  });

  it("are accepted with a CA of one's own, by its directory URL (the rehearsal's pebble)", () => {
    expect(
      problems((d) => {
        under("faalkaart.test")(d);
        d.acme.directory = "https://pebble.internal:14000/dir";
      }),
    ).toEqual([]);
  });

  it("are accepted with self-signed certificates", () => {
    expect(problems((d) => (under("faalkaart.test")(d), (d.acme.mode = "self-signed")))).toEqual([]);
  });

  it("a contact e-mail under one is refused with Let's Encrypt, which registers no such account", () => {
    expect(problems((d) => (d.acme.email = "hostmaster@faalkaart.test"))).toEqual([
      expect.stringMatching(
        /^organisations\/faalkaart\.yaml:\d+: acme\.email: 'faalkaart\.test' is under test, /,
      ),
    ]);
  });

  it.each(["testing.nl", "local.nl", "example.nl", "faalkaart.nl", "my-test.nl"])(
    "names that only look alike (%s) are accepted",
    (zone) => {
      expect(problems(under(zone))).toEqual([]);
    },
  );
});
