import { formatAddress, formatCidr, hostBits, parseCidr, subnet, subnetCount, type Network } from "./ip";

export interface AddressPoolsConfig {
  /** Default: 10.250.0.0/16. Servers get single addresses from it. */
  readonly ipv4: string;
  /** Default: fd00:fa11::/48. Servers get /64 networks from it, as on Hetzner. */
  readonly ipv6: string;
}

export const DEFAULT_ADDRESS_POOLS: AddressPoolsConfig = { ipv4: "10.250.0.0/16", ipv6: "fd00:fa11::/48" };

export interface AddressPoolsSnapshot {
  readonly nextIpv4: string;
  readonly nextIpv6: string;
}

/**
 * Hands out addresses in order and never hands one out twice, so that a deleted server's address cannot
 * reach a new one. The first host of the IPv4 pool and the first /64 of the IPv6 pool are never handed out:
 * they are left for the host side of the machines (the gateway).
 */
export class AddressPools {
  private readonly ipv4: Network;
  private readonly ipv6: Network;
  private nextIpv4 = 2n;
  private nextIpv6 = 1n;

  constructor(config: AddressPoolsConfig = DEFAULT_ADDRESS_POOLS) {
    this.ipv4 = pool(config.ipv4, 4, 30);
    this.ipv6 = pool(config.ipv6, 6, 64);
  }

  /** The address the host side of the machines may use: the pool's first host and first /64's first host. */
  get gateways(): { ipv4: string; ipv6: string } {
    return {
      ipv4: formatAddress(4, this.ipv4.address + 1n),
      ipv6: formatAddress(6, this.ipv6.address + 1n),
    };
  }

  get config(): AddressPoolsConfig {
    return { ipv4: formatCidr(this.ipv4), ipv6: formatCidr(this.ipv6) };
  }

  allocateIpv4(): string {
    // The last address is the broadcast address of the pool.
    if (this.nextIpv4 >= subnetCount(this.ipv4, 32) - 1n)
      throw new Error(`IPv4 pool ${formatCidr(this.ipv4)} is used up`);
    return formatAddress(4, subnet(this.ipv4, 32, this.nextIpv4++).address);
  }

  /** An IPv6 /64 network, written as Hetzner writes it: `2001:db8:0:1::/64`. */
  allocateIpv6(): string {
    if (this.nextIpv6 >= subnetCount(this.ipv6, 64))
      throw new Error(`IPv6 pool ${formatCidr(this.ipv6)} is used up`);
    return formatCidr(subnet(this.ipv6, 64, this.nextIpv6++));
  }

  snapshot(): AddressPoolsSnapshot {
    return { nextIpv4: this.nextIpv4.toString(), nextIpv6: this.nextIpv6.toString() };
  }

  restore(snapshot: AddressPoolsSnapshot): void {
    this.nextIpv4 = BigInt(snapshot.nextIpv4);
    this.nextIpv6 = BigInt(snapshot.nextIpv6);
  }
}

function pool(cidr: string, version: 4 | 6, maxPrefix: number): Network {
  const network = parseCidr(cidr);
  if (!network || network.version !== version || network.prefix > maxPrefix || hostBits(network) !== 0n) {
    throw new Error(`address pool ${cidr}: expected an IPv${version} network of /${maxPrefix} or larger`);
  }
  return network;
}
