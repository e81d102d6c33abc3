import net from "node:net";

/** An IP network as numbers, so that pools can be carved and CIDRs normalized the way the API does. */
export interface Network {
  readonly version: 4 | 6;
  readonly address: bigint;
  readonly prefix: number;
}

const BITS = { 4: 32, 6: 128 } as const;

export function parseAddress(text: string): { version: 4 | 6; address: bigint } | undefined {
  if (net.isIPv4(text)) {
    const value = text.split(".").reduce((acc, octet) => (acc << 8n) | BigInt(Number(octet)), 0n);
    return { version: 4, address: value };
  }
  if (net.isIPv6(text) && !text.includes(".")) {
    const [head, tail] = text.includes("::") ? text.split("::") : [text, undefined];
    const groups = (part: string | undefined) => (part ? part.split(":") : []);
    const missing = 8 - groups(head).length - groups(tail).length;
    const all =
      tail === undefined ? groups(head) : [...groups(head), ...Array(missing).fill("0"), ...groups(tail)];
    return { version: 6, address: all.reduce((acc, g) => (acc << 16n) | BigInt(parseInt(g, 16)), 0n) };
  }
  return undefined;
}

export function formatAddress(version: 4 | 6, address: bigint): string {
  if (version === 4) return [24n, 16n, 8n, 0n].map((shift) => (address >> shift) & 255n).join(".");
  const groups = Array.from({ length: 8 }, (_, i) => Number((address >> BigInt(112 - 16 * i)) & 0xffffn));
  // RFC 5952: compress the longest run (of two or more) of zero groups, the first one on a tie.
  let best = { start: -1, length: 1 };
  for (let i = 0; i < 8;) {
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > best.length) best = { start: i, length: j - i };
    i = j === i ? i + 1 : j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (best.start < 0) return hex.join(":");
  return `${hex.slice(0, best.start).join(":")}::${hex.slice(best.start + best.length).join(":")}`;
}

/** Parses `a.b.c.d/n` or `x::/n`; undefined when it is not a CIDR. */
export function parseCidr(text: string): Network | undefined {
  const [addressText, prefixText, extra] = text.split("/");
  if (prefixText === undefined || extra !== undefined || !/^\d{1,3}$/.test(prefixText)) return undefined;
  const parsed = parseAddress(addressText);
  const prefix = Number(prefixText);
  if (!parsed || prefix > BITS[parsed.version]) return undefined;
  return { ...parsed, prefix };
}

export function hostBits(network: Network): bigint {
  const bits = BigInt(BITS[network.version] - network.prefix);
  return network.address & ((1n << bits) - 1n);
}

export function formatCidr(network: Network): string {
  return `${formatAddress(network.version, network.address)}/${network.prefix}`;
}

/** The n-th subnet of the given size inside a network (n = 0 is the first). */
export function subnet(network: Network, prefix: number, n: bigint): Network {
  const size = 1n << BigInt(BITS[network.version] - prefix);
  return { version: network.version, address: network.address + size * n, prefix };
}

export function subnetCount(network: Network, prefix: number): bigint {
  return 1n << BigInt(prefix - network.prefix);
}
