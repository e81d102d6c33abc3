import { isIPv4 } from "node:net";

/*
 * CIDR networks as numbers, for what a format check cannot see: host bits after the prefix
 * (192.0.2.77/24 means 192.0.2.0/24 to nftables and the Hetzner firewall, or is refused by them), and a
 * network that is the whole internet. The schema has already checked the syntax.
 */

function ipv4ToBigInt(address: string): bigint {
  return address.split(".").reduce((n, octet) => (n << 8n) | BigInt(Number(octet)), 0n);
}

function ipv6ToBigInt(address: string): bigint {
  let text = address;
  // An embedded IPv4 tail (::ffff:192.0.2.1) is the last two groups.
  const v4 = text.match(/(\d+\.\d+\.\d+\.\d+)$/);
  if (v4) {
    const n = ipv4ToBigInt(v4[1]);
    text = text.slice(0, -v4[1].length) + `${(n >> 16n).toString(16)}:${(n & 0xffffn).toString(16)}`;
  }
  const [head, tail] = text.includes("::") ? text.split("::") : [text, undefined];
  const headGroups = head ? head.split(":") : [];
  const tailGroups = tail ? tail.split(":") : [];
  const zeros = tail === undefined ? [] : Array(8 - headGroups.length - tailGroups.length).fill("0");
  return [...headGroups, ...zeros, ...tailGroups].reduce((n, g) => (n << 16n) | BigInt(parseInt(g, 16)), 0n);
}

function ipv6ToString(value: bigint): string {
  const groups = Array.from({ length: 8 }, (_, i) => Number((value >> BigInt(16 * (7 - i))) & 0xffffn));
  // Compress the longest run of zero groups (RFC 5952).
  let best = { start: -1, length: 0 };
  for (let i = 0; i < 8;) {
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > best.length && j - i > 1) best = { start: i, length: j - i };
    i = j === i ? i + 1 : j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (best.start < 0) return hex.join(":");
  return `${hex.slice(0, best.start).join(":")}::${hex.slice(best.start + best.length).join(":")}`;
}

/** The network address of a CIDR, written as it should be: 192.0.2.77/24 gives 192.0.2.0/24. */
export function networkOf(cidr: string): string {
  const [address, prefixText] = cidr.split("/");
  const prefix = Number(prefixText);
  if (isIPv4(address)) {
    const hostBits = BigInt(32 - prefix);
    const network = (ipv4ToBigInt(address) >> hostBits) << hostBits;
    const octets = [24n, 16n, 8n, 0n].map((shift) => String((network >> shift) & 0xffn));
    return `${octets.join(".")}/${prefix}`;
  }
  const hostBits = BigInt(128 - prefix);
  return `${ipv6ToString((ipv6ToBigInt(address) >> hostBits) << hostBits)}/${prefix}`;
}

/** True when the CIDR has bits set after its prefix. */
export function hasHostBits(cidr: string): boolean {
  const address = cidr.split("/")[0];
  const network = networkOf(cidr).split("/")[0];
  const value = isIPv4(address) ? ipv4ToBigInt : ipv6ToBigInt;
  return value(address) !== value(network);
}

/** True for 0.0.0.0/0 and ::/0, however written: every address of that family. */
export function isWholeInternet(cidr: string): boolean {
  return Number(cidr.split("/")[1]) === 0;
}

type Family = "IPv4" | "IPv6";
interface Range {
  readonly family: Family;
  readonly first: bigint;
  readonly last: bigint;
}

function rangeOf(cidr: string): Range {
  const [address, prefixText] = networkOf(cidr).split("/");
  const family: Family = isIPv4(address) ? "IPv4" : "IPv6";
  const bits = family === "IPv4" ? 32 : 128;
  const first = family === "IPv4" ? ipv4ToBigInt(address) : ipv6ToBigInt(address);
  return { family, first, last: first + (1n << BigInt(bits - Number(prefixText))) - 1n };
}

/**
 * The families whose every address the networks hold together, however they are written: two /1s are
 * 0.0.0.0/0 as much as 0.0.0.0/0 is.
 */
export function wholeFamilies(cidrs: readonly string[]): Family[] {
  return (["IPv4", "IPv6"] as const).filter((family) => {
    const ranges = cidrs
      .map(rangeOf)
      .filter((r) => r.family === family)
      .sort((a, b) => (a.first < b.first ? -1 : a.first > b.first ? 1 : 0));
    let next = 0n;
    for (const r of ranges) {
      if (r.first > next) return false;
      if (r.last + 1n > next) next = r.last + 1n;
    }
    return next === 1n << (family === "IPv4" ? 32n : 128n);
  });
}

/** Addresses no operator connects from: a packet from them never crosses the internet to a server. */
const NOWHERE: readonly [string, string][] = [
  ["0.0.0.0/8", "'this network'"],
  ["127.0.0.0/8", "loopback"],
  ["169.254.0.0/16", "link-local"],
  ["224.0.0.0/4", "multicast"],
  ["240.0.0.0/4", "reserved"],
  ["::/128", "unspecified"],
  ["::1/128", "loopback"],
  ["fe80::/10", "link-local"],
  ["ff00::/8", "multicast"],
];

/** What kind of address `cidr` lies wholly inside when no operator could connect from it; or undefined. */
export function unreachableKind(cidr: string): string | undefined {
  const range = rangeOf(cidr);
  return NOWHERE.find(([network]) => {
    const outer = rangeOf(network);
    return outer.family === range.family && outer.first <= range.first && range.last <= outer.last;
  })?.[1];
}
