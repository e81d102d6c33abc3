import { addressClash, type ThisMachine } from "../../../../rehearsal/network/address-clash";

/** This machine as it is: its resolver at 10.255.255.53, its own network 192.0.2.0/24. */
const MACHINE: ThisMachine = {
  nameservers: ["10.255.255.53"],
  routes: [
    { dst: "default", dev: "eth0" },
    { dst: "192.0.2.0/24", dev: "eth0" },
    { dst: "10.250.0.0/16", dev: "fmrh-br" },
  ],
};

describe("a rehearsal bridge that would take this machine's traffic is refused", () => {
  it("refuses a network holding the machine's resolver", () => {
    expect(addressClash("10.255.0.1/16", "fmtf-br", MACHINE)).toBe(
      "this machine's resolver 10.255.255.53 (/etc/resolv.conf) is inside it",
    );
  });

  it("refuses a network overlapping another interface's route, wider or narrower", () => {
    expect(addressClash("192.0.0.1/16", "fmtf-br", MACHINE)).toBe(
      "it overlaps this machine's route to 192.0.2.0/24 on eth0",
    );
    expect(addressClash("10.250.3.1/24", "fmtf-br", MACHINE)).toBe(
      "it overlaps this machine's route to 10.250.0.0/16 on fmrh-br",
    );
    expect(
      addressClash("10.1.0.1/16", "fmtf-br", { nameservers: [], routes: [{ dst: "10.1.2.3", dev: "wg0" }] }),
    ).toBe("it overlaps this machine's route to 10.1.2.3 on wg0");
  });

  it("lets a free network, and the bridge's own route when it is up already, through", () => {
    expect(addressClash("10.249.0.1/16", "fmtf-br", MACHINE)).toBeUndefined();
    expect(addressClash("10.250.0.1/16", "fmrh-br", MACHINE)).toBeUndefined();
  });
});
