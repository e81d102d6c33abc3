import type { Action } from "../state/actions";
import {
  datacenterName,
  findByIdOrName,
  type Image,
  type Location,
  type ServerType,
} from "../state/catalogue";
import type { Firewall } from "../state/firewalls";
import type { PrimaryIp } from "../state/primary-ips";
import type { Server } from "../state/servers";
import type { HcloudState } from "../state/state";
import type { RRSet, Zone } from "../state/zones";
import { NAMESERVERS } from "../state/zones";

/** The JSON shapes of hcloud-go's `schema` package, built from the state. */
export class Views {
  constructor(private readonly state: HcloudState) {}

  /** A copy, so that an answer shows the action as it was when the request was answered. */
  action(action: Action): Action {
    return structuredClone(action);
  }

  location(nameOrId: string | number): Location {
    return findByIdOrName(this.state.catalogue.locations, nameOrId)!;
  }

  datacenter(location: Location): object {
    const types = this.state.catalogue.serverTypes
      .filter((t) => t.locations.includes(location.name))
      .map((t) => t.id);
    return {
      id: location.id,
      name: datacenterName(location.name),
      description: `${location.city} DC 1`,
      location,
      server_types: { supported: types, available: types, available_for_migration: types },
    };
  }

  serverType(type: ServerType): object {
    return {
      ...type,
      included_traffic: 21990232555520,
      prices: [],
      deprecated: false,
      deprecation: null,
      locations: type.locations.map((name) => ({
        id: this.location(name).id,
        name,
        deprecation: null,
        recommended: true,
        available: true,
      })),
    };
  }

  image(image: Image): object {
    return {
      ...image,
      type: "system",
      status: "available",
      image_size: null,
      disk_size: 5,
      created: "2023-06-13T06:00:02+00:00",
      created_from: null,
      bound_to: null,
      rapid_deploy: true,
      protection: { delete: false },
      deprecated: null,
      deleted: null,
      labels: {},
    };
  }

  server(server: Server): object {
    const { primaryIps, firewalls, servers } = this.state;
    const ipv4 = primaryIps.assignedTo(server.id, "ipv4");
    const ipv6 = primaryIps.assignedTo(server.id, "ipv6");
    const type = servers.typeOf(server);
    return {
      id: server.id,
      name: server.name,
      status: server.status,
      created: server.created,
      public_net: {
        // Hetzner answers null for an address the server has not (public_net without IPv4 or IPv6).
        ipv4: ipv4
          ? {
              id: ipv4.id,
              ip: ipv4.ip,
              blocked: false,
              dns_ptr:
                ipv4.dns_ptr[0]?.dns_ptr ??
                `static.${ipv4.ip.split(".").reverse().join(".")}.clients.your-server.de`,
            }
          : null,
        ipv6: ipv6 ? { id: ipv6.id, ip: ipv6.ip, blocked: false, dns_ptr: ipv6.dns_ptr } : null,
        floating_ips: [],
        firewalls: firewalls.firewallsOf(server).map((f) => ({ id: f.id, status: "applied" })),
      },
      private_net: [],
      server_type: this.serverType(type),
      included_traffic: 21990232555520,
      outgoing_traffic: 0,
      ingoing_traffic: 0,
      backup_window: server.backupWindow,
      rescue_enabled: false,
      iso: null,
      locked: server.locked,
      location: this.location(server.location),
      // Hetzner is phasing datacenters out of server answers (changelog 2025-12-16); the provider then keeps
      // whatever the configuration says.
      datacenter: null,
      image: this.image(servers.imageOf(server)),
      protection: server.protection,
      labels: server.labels,
      volumes: [],
      primary_disk_size: server.primaryDiskSize,
      placement_group: null,
      load_balancers: [],
    };
  }

  primaryIp(ip: PrimaryIp): object {
    return {
      ...ip,
      assignee_type: "server",
      blocked: false,
      location: this.location(ip.location),
      datacenter: null,
    };
  }

  firewall(firewall: Firewall): object {
    return {
      id: firewall.id,
      name: firewall.name,
      labels: firewall.labels,
      created: firewall.created,
      rules: firewall.rules,
      applied_to: firewall.applied.map((target) =>
        target.type === "server"
          ? target
          : {
              ...target,
              applied_to_resources: this.state.firewalls
                .matching(target.label_selector.selector)
                .map((id) => ({ type: "server", server: { id } })),
            },
      ),
    };
  }

  zone(zone: Zone): object {
    return {
      id: zone.id,
      name: zone.name,
      created: zone.created,
      ttl: zone.ttl,
      mode: zone.mode,
      primary_nameservers: [],
      protection: zone.protection,
      labels: zone.labels,
      authoritative_nameservers: {
        assigned: NAMESERVERS,
        delegated: [],
        delegation_last_check: null,
        delegation_status: "unknown",
      },
      registrar: "other",
      status: "ok",
      record_count: this.state.zones.recordCount(zone),
    };
  }

  rrset(zone: Zone, rrset: RRSet): object {
    return { id: `${rrset.name}/${rrset.type}`, ...rrset, zone: zone.id };
  }
}
