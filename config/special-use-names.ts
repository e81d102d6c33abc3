import { isLetsEncrypt } from "./acme-directory";
import { siteNamesOf } from "./model/site-names";
import type { Organisation } from "./schema";
import type { Check } from "./check";

/*
 * Domains that are never delegated in the public DNS, so no public CA can validate a name under them: the
 * IANA Special-Use Domain Names registry, and .internal, which ICANN reserved for private networks.
 * Let's Encrypt refuses an order or an account contact under one; pebble or an own step-ca do not care.
 */
const SPECIAL_USE: readonly (readonly [domain: string, source: string])[] = [
  ["test", "RFC 6761, for testing"],
  ["localhost", "RFC 6761, this machine"],
  ["invalid", "RFC 6761, never a name"],
  ["example", "RFC 6761, for documentation"],
  ["example.com", "RFC 6761, for documentation"],
  ["example.net", "RFC 6761, for documentation"],
  ["example.org", "RFC 6761, for documentation"],
  ["local", "RFC 6762, multicast DNS on the local link"],
  ["onion", "RFC 7686, Tor onion services"],
  ["alt", "RFC 9476, names outside the DNS"],
  ["home.arpa", "RFC 8375, home networks"],
  ["arpa", "RFC 3172, the Internet's infrastructure domain"],
  ["internal", "ICANN's reservation of 2024 for private networks"],
];

/** The special-use domain `name` lies in, with its source; or undefined. */
function specialUseDomainOf(name: string): readonly [string, string] | undefined {
  // home.arpa stands before arpa in the list: find takes the first match.
  return SPECIAL_USE.find(([domain]) => name === domain || name.endsWith(`.${domain}`));
}

/**
 * With Let's Encrypt (production or staging), every name on the server's certificate and the account's
 * contact address must lie in the public DNS; a CA of one's own, or self-signed certificates, take any name.
 */
export function specialUseNames(org: Organisation): Check[] {
  if (org.acme.mode !== "acme" || !isLetsEncrypt(org.acme.directory)) return [];
  const fix =
    "use a public domain, or, for a test, acme.mode: self-signed or acme.directory set to the URL of a CA of your own (pebble, step-ca)";
  const named = [...siteNamesOf(org), { name: org.acme.email.split("@").pop()!, path: ["acme", "email"] }];
  return named.flatMap(({ name, path }) => {
    const special = specialUseDomainOf(name);
    if (!special) return [];
    const [domain, source] = special;
    const refused = path[0] === "acme" ? "the account with this contact" : "the certificate";
    return [
      {
        path,
        message: `'${name}' is under ${domain}, a special-use name (${source}) that no public CA issues certificates for: Let's Encrypt (acme.directory ${org.acme.directory}) would refuse ${refused} at apply time; ${fix}`,
      },
    ];
  });
}
