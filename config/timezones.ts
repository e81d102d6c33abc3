import { DEBIAN_12_TIMEZONES, DEBIAN_12_TZDATA_VERSION } from "./data/debian-12-timezones";

/*
 * Time zones the server can be set to. The bootstrap links /etc/localtime to /usr/share/zoneinfo/<zone>
 * (Debian's tzdata, where names are case-sensitive) and stops when that file is not there. Node's ICU is no
 * judge of that: it also resolves its own old IDs (PST, CTT, IST) and names tzdata dropped (US/Pacific-New),
 * so names are checked against Debian 12's own list (config/data/debian-12-timezones.ts).
 */
const ZONES = new Set(DEBIAN_12_TIMEZONES);

/** Why `zone` is not a time zone a Debian server has, with the spelling to use instead; or undefined. */
export function timezoneProblem(zone: string): string | undefined {
  if (ZONES.has(zone)) return undefined;
  const sameLetters = DEBIAN_12_TIMEZONES.find((z) => z.toLowerCase() === zone.toLowerCase());
  if (sameLetters)
    return `is spelt '${sameLetters}' in the time zone database, where case matters; write ${sameLetters}`;
  const city = zone.split("/").pop()!.toLowerCase();
  const near = DEBIAN_12_TIMEZONES.filter((z) => z.toLowerCase().endsWith(`/${city}`));
  return (
    `is not a time zone that Debian 12's tzdata installs (${DEBIAN_12_TZDATA_VERSION}), so the bootstrap would stop; ` +
    (near.length > 0 ? `did you mean ${near.join(" or ")}? ` : "") +
    "use a name such as Europe/Amsterdam or UTC (timedatectl list-timezones lists them all)"
  );
}
