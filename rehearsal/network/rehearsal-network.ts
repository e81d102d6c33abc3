import { execFileSync } from "node:child_process";
import path from "node:path";
import { networkOf } from "../../config/cidr";
import { addressClash, thisMachine } from "./address-clash";

const SCRIPT = path.join(__dirname, "rehearsal-net.sh");

export interface RehearsalNetworkProps {
  /**
   * Name prefix of the bridge (`<prefix>-br`), the namespaces and their veths (`<prefix>-<name>`).
   * @default "fmrh"
   */
  readonly prefix?: string;
  /**
   * This machine's IPv4 address on the bridge, with the length of the servers' network: the local API's pool,
   * whose first host it never hands out (rehearsal/hcloud-api/state/addresses.ts).
   * @default "10.250.0.1/16"
   */
  readonly gateway4?: string;
  /**
   * The same for IPv6: the API's ULA /48 (servers get /64s from it, never the first), which does not overlap
   * this machine's own fd00::/64.
   * @default "fd00:fa11::1/48"
   */
  readonly gateway6?: string;
}

/** An address with its prefix length, e.g. 10.250.0.1/16. */
export interface Cidr {
  readonly address: string;
  readonly length: number;
}

function parseCidr(cidr: string): Cidr {
  const [address, length] = cidr.split("/");
  if (!address || !/^\d+$/.test(length ?? "")) throw new Error(`'${cidr}' is not an address/length`);
  return { address, length: Number(length) };
}

/**
 * The rehearsal's network on this machine (rehearsal-net.sh): a bridge holding this machine's gateway
 * addresses, and one namespace per server or client, on the bridge by a veth pair.
 */
export class RehearsalNetwork {
  readonly prefix: string;
  readonly gateway4: Cidr;
  readonly gateway6: Cidr;

  constructor(props: RehearsalNetworkProps = {}) {
    this.prefix = props.prefix ?? "fmrh";
    this.gateway4 = parseCidr(props.gateway4 ?? "10.250.0.1/16");
    this.gateway6 = parseCidr(props.gateway6 ?? "fd00:fa11::1/48");
  }

  /** The namespace (and host-side veth) name for a server or client. */
  namespace(name: string | number): string {
    return `${this.prefix}-${name}`;
  }

  /** The bridge, idempotently; refused before anything is made when its network would take this machine's traffic. */
  up(): void {
    const gateway4 = `${this.gateway4.address}/${this.gateway4.length}`;
    const clash = addressClash(gateway4, `${this.prefix}-br`, thisMachine());
    if (clash)
      throw new Error(
        `The rehearsal network ${gateway4} (FAILMAP_REHEARSAL_GATEWAY4) cannot be used here: ${clash}. ` +
          "Choose a private range this machine does not use, e.g. FAILMAP_REHEARSAL_GATEWAY4=10.249.0.1/16.",
      );
    this.script("up");
  }

  /**
   * A namespace on the bridge whose eth0 holds these addresses (no prefix length: the bridge's is used). An
   * IPv4 address outside the bridge's network (an existing server's public address, as its organisation file
   * names it) is routed over the bridge instead.
   */
  attach(namespace: string, ipv4: string, ipv6: string): void {
    const onBridge = this.isOnBridge(ipv4);
    const length = onBridge ? this.gateway4.length : 32;
    this.script("attach", namespace, `${ipv4}/${length}`, `${ipv6}/${this.gateway6.length}`);
    if (!onBridge) this.script("route", namespace, ipv4);
  }

  /** True when the IPv4 address lies in the network of the bridge's gateway address. */
  isOnBridge(ipv4: string): boolean {
    const bridge = networkOf(`${this.gateway4.address}/${this.gateway4.length}`);
    return networkOf(`${ipv4}/${this.gateway4.length}`) === bridge;
  }

  /** The resolver of commands run with `ip netns exec <namespace>`. */
  nameservers(namespace: string, addresses: readonly string[]): void {
    this.script("nameservers", namespace, ...addresses);
  }

  /** The namespace, its veth and whatever still runs in it, gone. */
  detach(namespace: string): void {
    this.script("detach", namespace);
  }

  /** Every namespace of this prefix and the bridge, gone: also after a run that crashed. */
  down(): void {
    this.script("down");
  }

  private script(...args: string[]): void {
    execFileSync("bash", [SCRIPT, ...args], {
      env: {
        ...process.env,
        FAILMAP_REHEARSAL_NET: this.prefix,
        FAILMAP_REHEARSAL_GATEWAY4: `${this.gateway4.address}/${this.gateway4.length}`,
        FAILMAP_REHEARSAL_GATEWAY6: `${this.gateway6.address}/${this.gateway6.length}`,
      },
      stdio: ["ignore", "ignore", "pipe"],
    });
  }
}
