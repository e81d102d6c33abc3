import type { Action, Actions } from "./actions";
import type { AddressPools } from "./addresses";
import { findByIdOrName, type Catalogue } from "./catalogue";
import { ApiError, FieldErrors, invalidField } from "./errors";
import { checkLabels, type Labels } from "./labels";
import { Records, requireName, type StoreContext } from "./store";

export type IpType = "ipv4" | "ipv6";

/** A primary IP as hcloud-go's `schema.PrimaryIP` has it (without the location object, which is looked up). */
export interface PrimaryIp {
  readonly id: number;
  name: string;
  readonly type: IpType;
  /** An address for ipv4; a /64 network (`2001:db8:0:1::/64`) for ipv6, as Hetzner reports them. */
  readonly ip: string;
  labels: Labels;
  protection: { delete: boolean };
  dns_ptr: { ip: string; dns_ptr: string }[];
  assignee_id: number | null;
  auto_delete: boolean;
  readonly created: string;
  readonly location: string;
}

/** What the primary IP store needs to know about servers. */
export interface ServerLookup {
  server(id: number): { readonly id: number; readonly status: string; readonly location: string };
}

/**
 * Primary IPs, which is how Hetzner gives servers their public addresses: one created with each server unless
 * the request names one, deleted with the server when `auto_delete` is set.
 */
export class PrimaryIps {
  readonly records = new Records<PrimaryIp>("primary IP");

  constructor(
    private readonly context: StoreContext,
    private readonly actions: Actions,
    private readonly catalogue: Catalogue,
    private readonly pools: AddressPools,
    private readonly servers: ServerLookup,
  ) {}

  create(input: {
    name?: unknown;
    type?: unknown;
    assignee_type?: unknown;
    assignee_id?: unknown;
    location?: unknown;
    datacenter?: unknown;
    auto_delete?: unknown;
    labels?: unknown;
  }): { primaryIp: PrimaryIp; action: Action | null } {
    const errors = new FieldErrors();
    const name = requireName(input.name, errors);
    const labels = checkLabels(input.labels, errors);
    const type = input.type === "ipv4" || input.type === "ipv6" ? input.type : undefined;
    if (!type) errors.add("type", "must be ipv4 or ipv6");
    if (input.assignee_type !== undefined && input.assignee_type !== "server") {
      errors.add("assignee_type", "must be server");
    }
    const assignee =
      typeof input.assignee_id === "number" ? this.servers.server(input.assignee_id) : undefined;
    const locationName = assignee?.location ?? locationOf(input, this.catalogue, errors);
    if (!locationName && !assignee && input.location === undefined && input.datacenter === undefined) {
      errors.add("location", "is required when the primary IP is not assigned");
    }
    errors.throwIfAny();
    this.records.requireUniqueName(name, "primary IP name is already used");
    if (assignee) this.requireAssignable(assignee, type!);

    const primaryIp = this.add({
      name,
      type: type!,
      labels,
      assigneeId: assignee?.id ?? null,
      autoDelete: input.auto_delete === true,
      location: locationName!,
    });
    const action = assignee ? this.actions.succeeded("assign_primary_ip", resources(primaryIp)) : null;
    return { primaryIp, action };
  }

  /** A primary IP for a server being created: named as Hetzner names them, deleted with the server. */
  createForServer(type: IpType, serverId: number, location: string): PrimaryIp {
    return this.add({ name: "", type, labels: {}, assigneeId: serverId, autoDelete: true, location });
  }

  update(id: number, input: { name?: unknown; labels?: unknown; auto_delete?: unknown }): PrimaryIp {
    const ip = this.records.update(id, input, "primary IP name is already used", (errors) => {
      if (input.auto_delete !== undefined && typeof input.auto_delete !== "boolean") {
        errors.add("auto_delete", "must be a boolean");
      }
    });
    if (typeof input.auto_delete === "boolean") ip.auto_delete = input.auto_delete;
    this.context.changed();
    return ip;
  }

  assign(id: number, input: { assignee_id?: unknown; assignee_type?: unknown }): Action {
    const ip = this.records.get(id);
    if (typeof input.assignee_id !== "number") throw invalidField("assignee_id", "is required");
    if (ip.assignee_id !== null) {
      throw new ApiError(
        "primary_ip_assigned",
        `primary IP ${id} is already assigned to server ${ip.assignee_id}`,
      );
    }
    const server = this.servers.server(input.assignee_id);
    this.requireAssignable(server, ip.type);
    if (server.location !== ip.location) {
      throw new ApiError(
        "primary_ip_datacenter_mismatch",
        "primary IP and server are in different locations",
      );
    }
    ip.assignee_id = server.id;
    this.context.changed();
    return this.actions.succeeded("assign_primary_ip", resources(ip));
  }

  unassign(id: number): Action {
    const ip = this.records.get(id);
    if (ip.assignee_id !== null) this.requireStopped(this.servers.server(ip.assignee_id));
    ip.assignee_id = null;
    this.context.changed();
    return this.actions.succeeded("unassign_primary_ip", resources(ip));
  }

  changeProtection(id: number, input: { delete?: unknown }): Action {
    const ip = this.records.get(id);
    if (typeof input.delete !== "boolean") throw invalidField("delete", "must be a boolean");
    ip.protection = { delete: input.delete };
    this.context.changed();
    return this.actions.succeeded("change_protection", resources(ip));
  }

  changeDnsPtr(id: number, input: { ip?: unknown; dns_ptr?: unknown }): Action {
    const primaryIp = this.records.get(id);
    if (typeof input.ip !== "string") throw invalidField("ip", "is required");
    const others = primaryIp.dns_ptr.filter((p) => p.ip !== input.ip);
    primaryIp.dns_ptr =
      typeof input.dns_ptr === "string" ? [...others, { ip: input.ip, dns_ptr: input.dns_ptr }] : others;
    this.context.changed();
    return this.actions.succeeded("change_dns_ptr", resources(primaryIp));
  }

  /** An assigned primary IP is unassigned on the way, which needs its server powered off (Hetzner's rule). */
  delete(id: number): void {
    const ip = this.records.get(id);
    if (ip.protection.delete) throw new ApiError("protected", "primary IP deletion is protected");
    if (ip.assignee_id !== null) this.requireStopped(this.servers.server(ip.assignee_id));
    this.records.delete(id);
    this.context.changed();
  }

  assignedTo(serverId: number, type: IpType): PrimaryIp | undefined {
    return this.records.all().find((ip) => ip.assignee_id === serverId && ip.type === type);
  }

  /** What happens to a deleted server's addresses: auto-delete ones go, the others stay unassigned. */
  releaseServer(serverId: number): void {
    for (const ip of this.records.all().filter((p) => p.assignee_id === serverId)) {
      if (ip.auto_delete) this.records.delete(ip.id);
      else ip.assignee_id = null;
    }
  }

  requireAssignable(server: { id: number; status: string }, type: IpType): void {
    this.requireStopped(server);
    if (this.assignedTo(server.id, type)) {
      throw new ApiError(
        type === "ipv4" ? "server_has_ipv4" : "server_has_ipv6",
        `server already has an ${type}`,
      );
    }
  }

  private requireStopped(server: { id: number; status: string }): void {
    if (server.status !== "off") {
      throw new ApiError("server_not_stopped", `server ${server.id} must be powered off first`);
    }
  }

  private add(spec: {
    name: string;
    type: IpType;
    labels: Labels;
    assigneeId: number | null;
    autoDelete: boolean;
    location: string;
  }): PrimaryIp {
    const id = this.context.nextId();
    const ip = spec.type === "ipv4" ? this.pools.allocateIpv4() : this.pools.allocateIpv6();
    const record = this.records.add({
      id,
      name: spec.name || `primary_ip-${id}`,
      type: spec.type,
      ip,
      labels: spec.labels,
      protection: { delete: false },
      dns_ptr: [],
      assignee_id: spec.assigneeId,
      auto_delete: spec.autoDelete,
      created: this.context.now(),
      location: spec.location,
    });
    this.context.changed();
    return record;
  }
}

function resources(ip: PrimaryIp): { id: number; type: string }[] {
  const own = [{ id: ip.id, type: "primary_ip" }];
  return ip.assignee_id === null ? own : [...own, { id: ip.assignee_id, type: "server" }];
}

/** `location`, or the deprecated `datacenter` (`fsn1-dc14` is in `fsn1`). */
export function locationOf(
  input: { location?: unknown; datacenter?: unknown },
  catalogue: Catalogue,
  errors: FieldErrors,
): string | undefined {
  const given =
    input.location ?? (typeof input.datacenter === "string" ? input.datacenter.split("-")[0] : undefined);
  if (given === undefined) return undefined;
  const location = findByIdOrName(catalogue.locations, given);
  if (!location)
    errors.add(input.location !== undefined ? "location" : "datacenter", `location '${given}' not found`);
  return location?.name;
}
