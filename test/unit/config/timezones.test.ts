import { problemsAfter } from "./load-report";

/*
 * Issue 20: a time zone is checked against the names Debian 12's tzdata installs (the bootstrap links
 * /etc/localtime to /usr/share/zoneinfo/<zone> and stops when the file is not there), not against what Node's
 * ICU resolves: ICU also takes its own old three-letter IDs (PST, CTT) and names tzdata dropped long ago.
 */

const problems = (timezone: string) => problemsAfter((d) => (d.system.timezone = timezone));

describe("system.timezone", () => {
  it.each(["PST", "CTT", "IST", "US/Pacific-New", "SystemV/EST5", "Canada/East-Saskatchewan"])(
    "'%s', which Node resolves and Debian 12 has no file for, is refused, naming the file, line and field",
    (zone) => {
      expect(() => new Intl.DateTimeFormat("en", { timeZone: zone })).not.toThrow();
      expect(problems(zone)).toEqual([
        expect.stringMatching(
          /^organisations\/faalkaart\.yaml:\d+: system\.timezone: is not a time zone that Debian 12's tzdata installs \(2025b/,
        ),
      ]);
    },
  );

  it("refuses misspelt zones, and suggests the zone of the same city where there is one", () => {
    expect(problems("Europe/Amsterdm")).toEqual([expect.stringContaining("tzdata installs")]);
    expect(problems("Asia/Kolkatta")).toEqual([expect.stringContaining("tzdata installs")]);
    expect(problems("US/Kolkata")).toEqual([expect.stringContaining("did you mean Asia/Kolkata?")]);
  });

  it("names the spelling when only the case differs", () => {
    expect(problems("europe/kyiv")).toEqual([
      expect.stringContaining("is spelt 'Europe/Kyiv' in the time zone database, where case matters"),
    ]);
  });

  it.each([
    "Europe/Amsterdam",
    "UTC",
    "Etc/GMT+5",
    "Europe/Kiev",
    "US/Eastern",
    "EST5EDT",
    "America/Coyhaique",
  ])("'%s' (a zone or a link Debian 12 installs) is accepted", (zone) => {
    expect(problems(zone)).toEqual([]);
  });
});
