import path from "node:path";
import { requireProgram } from "../../ops/system/programs";
import { startDaemon, waitUntilReady, type Daemon } from "./child-process";
import type { NameAddresses } from "./names";

/**
 * The servers' resolver, on the gateway addresses' port 53 (what a cloud's DHCP hands out), and the DNS
 * server pebble validates DNS-01 challenges against: Debian's pebble-challtestsrv. It answers A/AAAA for the
 * names it is given and TXT records set through its management API (lego's `exec` DNS provider does so), and
 * nothing for any other name (no default address).
 */
export class DnsServer {
  private constructor(
    readonly daemon: Daemon,
    /** http://127.0.0.1:<port>, the management API (/set-txt, /clear-txt, /add-a, ...). */
    readonly management: string,
    /** host:port of the DNS service, as resolvers and lego's recursive nameservers name it. */
    readonly address: string,
  ) {}

  private current = new Map<string, NameAddresses>();

  static async start(listen: readonly string[], managementPort: number, dir: string): Promise<DnsServer> {
    requireProgram("pebble-challtestsrv", "pebble");
    const logFile = path.join(dir, "challtestsrv.log");
    const dns01 = listen.map((address) => (address.includes(":") ? `[${address}]:53` : `${address}:53`));
    const management = `127.0.0.1:${managementPort}`;
    const daemon = startDaemon(
      "pebble-challtestsrv",
      "pebble-challtestsrv",
      [
        ...["-management", management, "-dns01", dns01.join(",")],
        ...["-http01", "", "-https01", "", "-tlsalpn01", "", "-defaultIPv4", "", "-defaultIPv6", ""],
      ],
      logFile,
    );
    const server = new DnsServer(daemon, `http://${management}`, dns01[0]);
    await waitUntilReady(daemon, logFile, () => server.post("clear-a", { host: "probe.invalid." }));
    return server;
  }

  /** Makes the answers equal to `names`: changed and removed names first cleared, then added. */
  async sync(names: ReadonlyMap<string, NameAddresses>): Promise<void> {
    for (const [name, before] of this.current) {
      const after = names.get(name);
      if (after && JSON.stringify(after) === JSON.stringify(before)) continue;
      await this.post("clear-a", { host: `${name}.` });
      await this.post("clear-aaaa", { host: `${name}.` });
    }
    for (const [name, after] of names) {
      const before = this.current.get(name);
      if (before && JSON.stringify(after) === JSON.stringify(before)) continue;
      if (after.ipv4.length) await this.post("add-a", { host: `${name}.`, addresses: after.ipv4 });
      if (after.ipv6.length) await this.post("add-aaaa", { host: `${name}.`, addresses: after.ipv6 });
    }
    this.current = new Map(names);
  }

  private async post(endpoint: string, body: unknown): Promise<void> {
    const response = await fetch(`${this.management}/${endpoint}`, {
      method: "POST",
      body: JSON.stringify(body),
    });
    if (!response.ok) throw new Error(`challtestsrv /${endpoint}: HTTP ${response.status}`);
  }
}
