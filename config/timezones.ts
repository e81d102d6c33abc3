/*
 * Time zones the server can be set to. The bootstrap links /etc/localtime to /usr/share/zoneinfo/<zone>
 * (Debian's tzdata, the IANA database), where names are case-sensitive. Node's ICU carries the same
 * database: its canonical list, plus the aliases it resolves (UTC, Etc/GMT-1, old names such as
 * Europe/Kiev), which tzdata ships as links.
 */
const CANONICAL = Intl.supportedValuesOf("timeZone");
const CANONICAL_SET = new Set(CANONICAL);
/** IANA names are words that start with a capital (Europe/Amsterdam, Etc/GMT+5, UTC, EST5EDT). */
const IANA_SPELLING = /^[A-Z][A-Za-z0-9_+-]*(\/[A-Z][A-Za-z0-9_+-]*)*$/;

function resolvesInIcu(zone: string): boolean {
  try {
    new Intl.DateTimeFormat("en", { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/** Why `zone` is not a time zone a Debian server has, with the spelling to use instead; or undefined. */
export function timezoneProblem(zone: string): string | undefined {
  if (CANONICAL_SET.has(zone)) return undefined;
  const sameLetters = CANONICAL.find((z) => z.toLowerCase() === zone.toLowerCase());
  if (sameLetters)
    return `is spelt '${sameLetters}' in the time zone database, where case matters; write ${sameLetters}`;
  if (IANA_SPELLING.test(zone) && resolvesInIcu(zone)) return undefined;
  const city = zone.split("/").pop()!.toLowerCase();
  const near = CANONICAL.filter((z) => z.toLowerCase().endsWith(`/${city}`));
  return (
    `is not a time zone in the IANA database that Debian's tzdata installs; ` +
    (near.length > 0 ? `did you mean ${near.join(" or ")}? ` : "") +
    "use a name such as Europe/Amsterdam or UTC (timedatectl list-timezones lists them all)"
  );
}
