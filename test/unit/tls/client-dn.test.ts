import { renderClientDn } from "../../../constructs/tls/client-dn";

describe("renderClientDn", () => {
  it("prints the subject in nginx's order: serialNumber, CN, O", () => {
    expect(renderClientDn({ commonName: "alice", organisation: "faalkaart", serialNumber: "3f2a9c" })).toBe(
      "serialNumber=3f2a9c,CN=alice,O=faalkaart",
    );
  });

  it("escapes RFC 2253 specials the way OpenSSL does", () => {
    expect(renderClientDn({ commonName: 'a,b+c"d\\e;f<g>h', organisation: "#org ", serialNumber: "1" })).toBe(
      'serialNumber=1,CN=a\\,b\\+c\\"d\\\\e\\;f\\<g\\>h,O=\\#org\\ ',
    );
  });

  it("refuses names outside printable ASCII instead of guessing OpenSSL's escaping", () => {
    expect(() => renderClientDn({ commonName: "jöhan", organisation: "o", serialNumber: "1" })).toThrow(
      /printable ASCII/,
    );
  });
});
