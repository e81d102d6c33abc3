import type { MachineBackend } from "../machines";
import type { Action, Actions } from "./actions";
import { findByIdOrName, type Catalogue, type Image, type ServerType } from "./catalogue";
import { ApiError, FieldErrors, invalidField } from "./errors";
import type { Firewalls } from "./firewalls";
import { parseAddress, formatAddress } from "./ip";
import { checkLabels, type Labels } from "./labels";
import { locationOf, type IpType, type PrimaryIps } from "./primary-ips";
import type { SshKeys } from "./ssh-keys";
import { Records, type StoreContext } from "./store";

export type ServerStatus =
  "initializing" | "starting" | "running" | "stopping" | "off" | "deleting" | "rebuilding" | "unknown";

export interface Server {
  readonly id: number;
  name: string;
  status: ServerStatus;
  readonly created: string;
  serverType: string;
  readonly location: string;
  image: number;
  labels: Labels;
  protection: { delete: boolean; rebuild: boolean };
  backupWindow: string | null;
  primaryDiskSize: number;
  /** True while an action on the server runs; other actions are refused with `locked` meanwhile. */
  locked: boolean;
  userData: string;
  sshKeys: number[];
}

export interface ServerCreateInput {
  readonly name?: unknown;
  readonly server_type?: unknown;
  readonly image?: unknown;
  readonly location?: unknown;
  readonly datacenter?: unknown;
  readonly ssh_keys?: unknown;
  readonly user_data?: unknown;
  readonly start_after_create?: unknown;
  readonly labels?: unknown;
  readonly firewalls?: unknown;
  readonly public_net?: { enable_ipv4?: unknown; enable_ipv6?: unknown; ipv4?: unknown; ipv6?: unknown };
  readonly networks?: unknown;
  readonly volumes?: unknown;
  readonly placement_group?: unknown;
}

export interface ServerDependencies {
  readonly actions: Actions;
  readonly catalogue: Catalogue;
  readonly sshKeys: SshKeys;
  readonly firewalls: Firewalls;
  readonly primaryIps: PrimaryIps;
  readonly machines: MachineBackend;
}

const HOSTNAME =
  /^(?=.{1,253}$)[a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?(\.[a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)*$/;

/**
 * Servers, each backed by a machine of the `MachineBackend`: creating, powering and deleting a server are
 * actions that run until the backend's promise settles.
 */
export class Servers {
  readonly records = new Records<Server>("server");

  constructor(
    private readonly context: StoreContext,
    private readonly deps: ServerDependencies,
  ) {}

  create(input: ServerCreateInput): { server: Server; action: Action; nextActions: Action[] } {
    const { catalogue, sshKeys, firewalls, primaryIps } = this.deps;
    const errors = new FieldErrors();
    const name = typeof input.name === "string" ? input.name : "";
    if (!HOSTNAME.test(name)) errors.add("name", "must be a valid hostname");
    const labels = checkLabels(input.labels, errors);
    const serverType = findByIdOrName(catalogue.serverTypes, input.server_type);
    if (!serverType) errors.add("server_type", `server type '${String(input.server_type)}' not found`);
    const location = locationOf(input, catalogue, errors) ?? serverType?.locations[0];
    const image = serverType && this.image(input.image, serverType, errors);
    const keys = listOf(input.ssh_keys, errors, "ssh_keys").map((idOrName) => {
      const key =
        typeof idOrName === "number" ? sshKeys.records.find(idOrName) : sshKeys.records.byName(`${idOrName}`);
      if (!key) errors.add("ssh_keys", `SSH key '${idOrName}' not found`);
      return key?.id ?? 0;
    });
    const firewallIds = listOf(input.firewalls, errors, "firewalls").map((entry) => {
      const id = (entry as { firewall?: unknown })?.firewall;
      if (typeof id !== "number" || !firewalls.records.find(id))
        errors.add("firewalls", `firewall '${id}' not found`);
      return id as number;
    });
    for (const unsupported of ["networks", "volumes", "placement_group"] as const) {
      const value = input[unsupported];
      if (value !== undefined && !(Array.isArray(value) && value.length === 0)) {
        errors.add(unsupported, "is not offered by the local Hetzner API");
      }
    }
    if (input.user_data !== undefined && typeof input.user_data !== "string")
      errors.add("user_data", "must be text");
    errors.throwIfAny();

    if (!serverType!.locations.includes(location!)) {
      throw new ApiError("invalid_input", "unsupported location for server type", {
        fields: [{ name: "location", messages: [`${serverType!.name} is not sold in ${location}`] }],
      });
    }
    this.records.requireUniqueName(name, "server name is already used");
    const given = this.givenPrimaryIps(input.public_net, location!);

    const server = this.records.add({
      id: this.context.nextId(),
      name,
      status: "initializing",
      created: this.context.now(),
      serverType: serverType!.name,
      location: location!,
      image: image!.id,
      labels,
      protection: { delete: false, rebuild: false },
      backupWindow: null,
      primaryDiskSize: serverType!.disk,
      locked: true,
      userData: typeof input.user_data === "string" ? input.user_data : "",
      sshKeys: keys,
    });
    const publicNet = input.public_net ?? {};
    for (const type of ["ipv4", "ipv6"] as const) {
      const existing = given[type];
      if (existing !== undefined) primaryIps.records.get(existing).assignee_id = server.id;
      else if (publicNet[`enable_${type}`] !== false)
        primaryIps.createForServer(type, server.id, server.location);
    }
    const nextActions = firewallIds.map((id) => firewalls.applyToNewServer(id, server.id));
    const startAfterCreate = input.start_after_create !== false;
    const action = this.deps.actions.track(
      "create_server",
      [{ id: server.id, type: "server" }],
      async () => {
        await this.deps.machines.create(this.machineSpec(server));
        if (!startAfterCreate) await this.deps.machines.powerOff(server.id, "halt");
      },
      {
        onSuccess: () => this.settle(server, startAfterCreate ? "running" : "off"),
        onError: () => this.settle(server, "off"),
      },
    );
    this.context.changed();
    return { server, action, nextActions };
  }

  update(id: number, input: { name?: unknown; labels?: unknown }): Server {
    const server = this.records.get(id);
    const errors = new FieldErrors();
    if (input.name !== undefined && (typeof input.name !== "string" || !HOSTNAME.test(input.name))) {
      errors.add("name", "must be a valid hostname");
    }
    const labels = input.labels === undefined ? undefined : checkLabels(input.labels, errors);
    errors.throwIfAny();
    if (typeof input.name === "string") {
      this.records.requireUniqueName(input.name, "server name is already used", id);
      server.name = input.name;
    }
    if (labels !== undefined) server.labels = labels;
    this.context.changed();
    return server;
  }

  /** Deletes the server's machine; the server disappears once the backend has removed it. */
  delete(id: number): Action {
    const server = this.unlocked(id);
    if (server.protection.delete) throw new ApiError("protected", "server deletion is protected");
    server.status = "deleting";
    server.locked = true;
    this.context.changed();
    return this.deps.actions.track(
      "delete_server",
      [{ id, type: "server" }],
      () => this.deps.machines.remove(id),
      {
        onSuccess: () => {
          this.records.delete(id);
          this.deps.firewalls.forgetServer(id);
          this.deps.primaryIps.releaseServer(id);
        },
        onError: () => this.settle(server, "unknown"),
      },
    );
  }

  powerOn(id: number): Action {
    const server = this.unlocked(id);
    return this.transition(server, "start_server", "starting", "running", () =>
      this.deps.machines.powerOn(id),
    );
  }

  /** `poweroff` cuts the power; `shutdown` asks the system to halt. */
  powerOff(id: number, command: "stop_server" | "shutdown_server"): Action {
    const server = this.unlocked(id);
    const how = command === "stop_server" ? "cut" : "halt";
    return this.transition(server, command, "stopping", "off", () => this.deps.machines.powerOff(id, how));
  }

  /** `reboot` (a clean halt) and `reset` (a power cut): the machine stops and starts again. */
  restart(id: number, command: "reboot_server" | "reset_server"): Action {
    const server = this.unlocked(id);
    return this.transition(server, command, "starting", "running", async () => {
      await this.deps.machines.powerOff(id, command === "reset_server" ? "cut" : "halt");
      await this.deps.machines.powerOn(id);
    });
  }

  /** A fresh machine from the image; user data is the new one if given, else the server's. */
  rebuild(id: number, input: { image?: unknown; user_data?: unknown }): Action {
    const server = this.unlocked(id);
    if (server.protection.rebuild) throw new ApiError("protected", "server rebuild is protected");
    const errors = new FieldErrors();
    const image = this.image(input.image, this.typeOf(server), errors);
    errors.throwIfAny();
    server.image = image!.id;
    if (typeof input.user_data === "string") server.userData = input.user_data;
    return this.transition(server, "rebuild_server", "rebuilding", "running", async () => {
      await this.deps.machines.remove(id);
      await this.deps.machines.create(this.machineSpec(server));
    });
  }

  changeType(id: number, input: { server_type?: unknown; upgrade_disk?: unknown }): Action {
    const server = this.unlocked(id);
    const type = findByIdOrName(this.deps.catalogue.serverTypes, input.server_type);
    if (!type) throw invalidField("server_type", `server type '${String(input.server_type)}' not found`);
    if (server.status !== "off")
      throw new ApiError("server_not_stopped", "server must be powered off to change its type");
    if (!type.locations.includes(server.location)) {
      throw new ApiError("invalid_input", "unsupported location for server type");
    }
    if (type.architecture !== this.typeOf(server).architecture) {
      throw new ApiError("invalid_server_type", `server type ${type.name} has another architecture`);
    }
    if (type.disk < server.primaryDiskSize) {
      throw new ApiError(
        "invalid_server_type",
        `server type ${type.name} has a smaller disk than the server`,
      );
    }
    server.serverType = type.name;
    if (input.upgrade_disk === true) server.primaryDiskSize = type.disk;
    this.context.changed();
    return this.deps.actions.succeeded("change_server_type", [{ id, type: "server" }]);
  }

  /** Hetzner keeps delete and rebuild protection equal on servers. */
  changeProtection(id: number, input: { delete?: unknown; rebuild?: unknown }): Action {
    const server = this.records.get(id);
    const protection = {
      delete: typeof input.delete === "boolean" ? input.delete : server.protection.delete,
      rebuild: typeof input.rebuild === "boolean" ? input.rebuild : server.protection.rebuild,
    };
    if (protection.delete !== protection.rebuild) {
      throw invalidField("rebuild", "delete and rebuild protection must be the same");
    }
    server.protection = protection;
    this.context.changed();
    return this.deps.actions.succeeded("change_protection", [{ id, type: "server" }]);
  }

  setBackups(id: number, enabled: boolean): Action {
    const server = this.records.get(id);
    server.backupWindow = enabled ? "22-02" : null;
    this.context.changed();
    return this.deps.actions.succeeded(enabled ? "enable_backup" : "disable_backup", [
      { id, type: "server" },
    ]);
  }

  list(filter: { name?: string; labelSelector?: string; status?: string[] }): Server[] {
    return this.records
      .list(filter)
      .filter((s) => !filter.status?.length || filter.status.includes(s.status));
  }

  typeOf(server: Server): ServerType {
    return findByIdOrName(this.deps.catalogue.serverTypes, server.serverType)!;
  }

  imageOf(server: Server): Image {
    return findByIdOrName(this.deps.catalogue.images, server.image)!;
  }

  addressOf(server: Server, type: IpType): string | undefined {
    return this.deps.primaryIps.assignedTo(server.id, type)?.ip;
  }

  /** What the machine is made from; its IPv6 address is the first one of the server's /64, as the provider says. */
  machineSpec(server: Server): Parameters<MachineBackend["create"]>[0] {
    const ipv6Network = this.addressOf(server, "ipv6");
    const ipv6Base = ipv6Network && parseAddress(ipv6Network.split("/")[0]);
    return {
      id: server.id,
      name: server.name,
      ipv4: this.addressOf(server, "ipv4") ?? "",
      ipv6: ipv6Base ? formatAddress(6, ipv6Base.address + 1n) : "",
      userData: server.userData,
      publicKeys: server.sshKeys.map((id) => this.deps.sshKeys.records.find(id)?.public_key ?? ""),
    };
  }

  private image(idOrName: unknown, type: ServerType, errors: FieldErrors): Image | undefined {
    const image = this.deps.catalogue.images.find(
      (i) =>
        (i.id === idOrName || i.name === idOrName || String(i.id) === idOrName) &&
        i.architecture === type.architecture,
    );
    if (!image)
      errors.add("image", `image '${String(idOrName)}' not found for architecture ${type.architecture}`);
    return image;
  }

  private givenPrimaryIps(
    publicNet: ServerCreateInput["public_net"],
    location: string,
  ): Partial<Record<IpType, number>> {
    const given: Partial<Record<IpType, number>> = {};
    for (const type of ["ipv4", "ipv6"] as const) {
      const id = publicNet?.[type];
      if (id === undefined || id === null || id === 0) continue;
      const ip = this.deps.primaryIps.records.get(Number(id));
      if (ip.type !== type)
        throw new ApiError("primary_ip_version_mismatch", `primary IP ${id} is not an ${type}`);
      if (ip.assignee_id !== null)
        throw new ApiError("primary_ip_assigned", `primary IP ${id} is already assigned`);
      if (ip.location !== location) {
        throw new ApiError(
          "primary_ip_datacenter_mismatch",
          `primary IP ${id} is in ${ip.location}, not ${location}`,
        );
      }
      given[type] = ip.id;
    }
    return given;
  }

  private unlocked(id: number): Server {
    const server = this.records.get(id);
    if (server.locked) throw new ApiError("locked", `server ${id} is locked: another action is running`);
    return server;
  }

  private transition(
    server: Server,
    command: string,
    during: ServerStatus,
    after: ServerStatus,
    work: () => Promise<void>,
  ): Action {
    const before = server.status;
    server.status = during;
    server.locked = true;
    this.context.changed();
    return this.deps.actions.track(command, [{ id: server.id, type: "server" }], work, {
      onSuccess: () => this.settle(server, after),
      onError: () => this.settle(server, before),
    });
  }

  private settle(server: Server, status: ServerStatus): void {
    server.status = status;
    server.locked = false;
  }
}

function listOf(value: unknown, errors: FieldErrors, field: string): unknown[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) {
    errors.add(field, "must be a list");
    return [];
  }
  return value;
}
