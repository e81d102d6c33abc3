import { noMachines, type MachineBackend } from "../machines";
import { Actions, type Action } from "./actions";
import {
  AddressPools,
  DEFAULT_ADDRESS_POOLS,
  type AddressPoolsConfig,
  type AddressPoolsSnapshot,
} from "./addresses";
import { HETZNER_CATALOGUE, type Catalogue } from "./catalogue";
import { Firewalls, type Firewall } from "./firewalls";
import { PrimaryIps, type PrimaryIp } from "./primary-ips";
import { Servers, type Server } from "./servers";
import { SshKeys, type SshKey } from "./ssh-keys";
import { Zones, type Zone, type ZoneInput } from "./zones";

/** What the operator creates before the first deploy: the DNS zones that the stacks add records to. */
export interface Seed {
  readonly zones?: readonly ZoneInput[];
}

export interface StateOptions {
  /** Default: `noMachines` (nothing boots; enough for plans and API tests). */
  readonly machines?: MachineBackend;
  readonly seed?: Seed;
  /** Default: 10.250.0.0/16 and fd00:fa11::/48. */
  readonly addressPools?: AddressPoolsConfig;
  /** Default: Hetzner's offer (see catalogue.ts). */
  readonly catalogue?: Catalogue;
}

export interface StateSnapshot {
  readonly nextId: number;
  readonly addresses: AddressPoolsSnapshot;
  readonly actions: Action[];
  readonly sshKeys: SshKey[];
  readonly firewalls: Firewall[];
  readonly primaryIps: PrimaryIp[];
  readonly servers: Server[];
  readonly zones: Zone[];
}

/**
 * The whole local cloud in memory, without HTTP: the API serves it, and a rehearsal or a test can read it
 * directly (for example to check that a destroy left nothing behind).
 */
export class HcloudState {
  readonly catalogue: Catalogue;
  readonly pools: AddressPools;
  readonly actions: Actions;
  readonly sshKeys: SshKeys;
  readonly firewalls: Firewalls;
  readonly primaryIps: PrimaryIps;
  readonly servers: Servers;
  readonly zones: Zones;
  private id = 1000;
  private readonly listeners: (() => void)[] = [];

  constructor(options: StateOptions = {}) {
    const context = {
      nextId: () => this.id++,
      now: () => new Date().toISOString().replace(/\.\d{3}Z$/, "+00:00"),
      changed: () => this.listeners.forEach((listener) => listener()),
    };
    this.catalogue = options.catalogue ?? HETZNER_CATALOGUE;
    this.pools = new AddressPools(options.addressPools ?? DEFAULT_ADDRESS_POOLS);
    this.actions = new Actions(context);
    this.sshKeys = new SshKeys(context);
    this.firewalls = new Firewalls(context, this.actions, { servers: () => this.servers.records.all() });
    this.primaryIps = new PrimaryIps(context, this.actions, this.catalogue, this.pools, {
      server: (id) => this.servers.records.get(id),
    });
    this.servers = new Servers(context, {
      actions: this.actions,
      catalogue: this.catalogue,
      sshKeys: this.sshKeys,
      firewalls: this.firewalls,
      primaryIps: this.primaryIps,
      machines: options.machines ?? noMachines,
    });
    this.zones = new Zones(context, this.actions);
    for (const zone of options.seed?.zones ?? []) this.zones.create(zone);
  }

  /** Called after every change, for persistence. */
  onChange(listener: () => void): void {
    this.listeners.push(listener);
  }

  /**
   * Everything a deploy creates and a destroy must remove: servers, firewalls, SSH keys, primary IPs, and the
   * RRSets in zones apart from the zone's own SOA and NS. Empty lists mean nothing was left behind.
   */
  leftovers(): {
    servers: string[];
    firewalls: string[];
    sshKeys: string[];
    primaryIps: string[];
    rrsets: string[];
  } {
    const names = (records: { name: string }[]) => records.map((r) => r.name).sort();
    return {
      servers: names(this.servers.records.all()),
      firewalls: names(this.firewalls.records.all()),
      sshKeys: names(this.sshKeys.records.all()),
      primaryIps: names(this.primaryIps.records.all()),
      rrsets: this.zones.records
        .all()
        .flatMap((zone) =>
          Object.values(zone.rrsets)
            .filter((r) => !(r.name === "@" && (r.type === "SOA" || r.type === "NS")))
            .map((r) => `${zone.name} ${r.name}/${r.type}`),
        )
        .sort(),
    };
  }

  snapshot(): StateSnapshot {
    return {
      nextId: this.id,
      addresses: this.pools.snapshot(),
      actions: this.actions.snapshot(),
      sshKeys: this.sshKeys.records.snapshot(),
      firewalls: this.firewalls.records.snapshot(),
      primaryIps: this.primaryIps.records.snapshot(),
      servers: this.servers.records.snapshot(),
      zones: this.zones.records.snapshot(),
    };
  }

  /** Replaces everything with a snapshot; servers that were busy are left unlocked in their last status. */
  restore(snapshot: StateSnapshot): void {
    this.id = snapshot.nextId;
    this.pools.restore(snapshot.addresses);
    this.actions.restore(snapshot.actions);
    this.sshKeys.records.restore(snapshot.sshKeys);
    this.firewalls.records.restore(snapshot.firewalls);
    this.primaryIps.records.restore(snapshot.primaryIps);
    this.servers.records.restore(snapshot.servers.map((s) => ({ ...s, locked: false })));
    this.zones.records.restore(snapshot.zones);
  }
}
