import net from "node:net";
import type { Action, Actions } from "./actions";
import { ApiError, FieldErrors, invalidField, notFound } from "./errors";
import { checkLabels, parseLabelSelector, type Labels } from "./labels";
import { Records, type StoreContext } from "./store";

export interface RecordValue {
  readonly value: string;
  readonly comment?: string;
}

export interface RRSet {
  readonly name: string;
  readonly type: string;
  ttl: number | null;
  labels: Labels;
  protection: { change: boolean };
  records: RecordValue[];
}

/** A zone of the DNS API that lives in the Cloud API since 2025, with its RRSets by `name/type`. */
export interface Zone {
  readonly id: number;
  readonly name: string;
  readonly created: string;
  ttl: number;
  readonly mode: "primary" | "secondary";
  labels: Labels;
  protection: { delete: boolean };
  rrsets: Record<string, RRSet>;
}

export interface ZoneInput {
  readonly name?: unknown;
  readonly mode?: unknown;
  readonly ttl?: unknown;
  readonly labels?: unknown;
  readonly rrsets?: unknown;
}

export const NAMESERVERS = ["hydrogen.ns.hetzner.com.", "oxygen.ns.hetzner.com.", "helium.ns.hetzner.de."];
const TYPES = [
  "A",
  "AAAA",
  "CAA",
  "CNAME",
  "DS",
  "HINFO",
  "HTTPS",
  "MX",
  "NS",
  "PTR",
  "RP",
  "SOA",
  "SRV",
  "SVCB",
  "TLSA",
  "TXT",
];
const ZONE_NAME = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z0-9-]{2,63}$/;
const RRSET_NAME =
  /^(@|(\*\.)?[a-z0-9_*]([a-z0-9_-]{0,61}[a-z0-9])?(\.[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9])?)*|\*)$/;

export class Zones {
  readonly records = new Records<Zone>("zone");

  constructor(
    private readonly context: StoreContext,
    private readonly actions: Actions,
  ) {}

  create(input: ZoneInput): { zone: Zone; action: Action } {
    const errors = new FieldErrors();
    const name = typeof input.name === "string" ? input.name : "";
    if (!ZONE_NAME.test(name)) errors.add("name", "must be a lower-case domain name without a trailing dot");
    const mode = input.mode ?? "primary";
    if (mode !== "primary") errors.add("mode", "only primary zones are offered by the local Hetzner API");
    const ttl = checkTtl(input.ttl ?? 3600, errors, "ttl") ?? 3600;
    const labels = checkLabels(input.labels, errors);
    errors.throwIfAny();
    this.records.requireUniqueName(name, "zone name is already used");

    const zone = this.records.add({
      id: this.context.nextId(),
      name,
      created: this.context.now(),
      ttl,
      mode: "primary",
      labels,
      protection: { delete: false },
      rrsets: {},
    });
    const soa = `${NAMESERVERS[0]} dns.hetzner.com. 2024010100 86400 10800 3600000 3600`;
    this.put(zone, {
      name: "@",
      type: "SOA",
      ttl: null,
      labels: {},
      protection: { change: false },
      records: [{ value: soa }],
    });
    this.put(zone, {
      name: "@",
      type: "NS",
      ttl: null,
      labels: {},
      protection: { change: false },
      records: NAMESERVERS.map((value) => ({ value })),
    });
    try {
      for (const rrset of Array.isArray(input.rrsets) ? input.rrsets : []) this.createRRSet(zone.name, rrset);
    } catch (error) {
      this.records.delete(zone.id);
      throw error;
    }
    this.context.changed();
    return { zone, action: this.actions.succeeded("create_zone", [{ id: zone.id, type: "zone" }]) };
  }

  /** A zone by id or name, as `/zones/{id_or_name}` takes it. */
  zone(idOrName: string): Zone {
    const zone = /^\d+$/.test(idOrName) ? this.records.find(Number(idOrName)) : this.records.byName(idOrName);
    if (!zone) throw notFound("zone", idOrName);
    return zone;
  }

  update(idOrName: string, input: { labels?: unknown }): Zone {
    const zone = this.zone(idOrName);
    const errors = new FieldErrors();
    const labels = input.labels === undefined ? undefined : checkLabels(input.labels, errors);
    errors.throwIfAny();
    if (labels) zone.labels = labels;
    this.context.changed();
    return zone;
  }

  delete(idOrName: string): Action {
    const zone = this.zone(idOrName);
    if (zone.protection.delete) throw new ApiError("protected", "zone deletion is protected");
    this.records.delete(zone.id);
    this.context.changed();
    return this.actions.succeeded("delete_zone", [{ id: zone.id, type: "zone" }]);
  }

  changeProtection(idOrName: string, input: { delete?: unknown }): Action {
    const zone = this.zone(idOrName);
    if (typeof input.delete !== "boolean") throw invalidField("delete", "must be a boolean");
    zone.protection = { delete: input.delete };
    return this.zoneAction(zone, "change_protection");
  }

  changeTtl(idOrName: string, input: { ttl?: unknown }): Action {
    const zone = this.zone(idOrName);
    const errors = new FieldErrors();
    const ttl = checkTtl(input.ttl, errors, "ttl");
    errors.throwIfAny();
    zone.ttl = ttl!;
    return this.zoneAction(zone, "change_ttl");
  }

  rrsets(idOrName: string, filter: { name?: string; types?: string[]; labelSelector?: string }): RRSet[] {
    const matches = filter.labelSelector ? parseLabelSelector(filter.labelSelector) : () => true;
    return Object.values(this.zone(idOrName).rrsets).filter(
      (r) =>
        (filter.name === undefined || r.name === filter.name) &&
        (!filter.types?.length || filter.types.includes(r.type)) &&
        matches(r.labels),
    );
  }

  rrset(idOrName: string, name: string, type: string): RRSet {
    const rrset = this.zone(idOrName).rrsets[`${name}/${type}`];
    if (!rrset) throw notFound("rrset", `${name}/${type}`);
    return rrset;
  }

  createRRSet(
    idOrName: string,
    input: { name?: unknown; type?: unknown; ttl?: unknown; labels?: unknown; records?: unknown },
  ): {
    rrset: RRSet;
    action: Action;
  } {
    const zone = this.zone(idOrName);
    const errors = new FieldErrors();
    const name = checkName(input.name, errors);
    const type = typeof input.type === "string" && TYPES.includes(input.type) ? input.type : "";
    if (!type) errors.add("type", `must be one of ${TYPES.join(", ")}`);
    if (type === "SOA") errors.add("type", "SOA records are managed by the API");
    const ttl =
      input.ttl === undefined || input.ttl === null ? null : (checkTtl(input.ttl, errors, "ttl") ?? null);
    const labels = checkLabels(input.labels, errors);
    const records = checkRecords(input.records, type, errors);
    errors.throwIfAny();
    if (zone.rrsets[`${name}/${type}`]) {
      throw new ApiError("uniqueness_error", `RRSet ${name}/${type} already exists in zone ${zone.name}`);
    }
    const rrset = this.put(zone, { name, type, ttl, labels, protection: { change: false }, records });
    this.context.changed();
    return { rrset, action: this.actions.succeeded("create_rrset", [{ id: zone.id, type: "zone" }]) };
  }

  updateRRSet(idOrName: string, name: string, type: string, input: { labels?: unknown }): RRSet {
    const rrset = this.rrset(idOrName, name, type);
    const errors = new FieldErrors();
    const labels = input.labels === undefined ? undefined : checkLabels(input.labels, errors);
    errors.throwIfAny();
    if (labels) rrset.labels = labels;
    this.context.changed();
    return rrset;
  }

  deleteRRSet(idOrName: string, name: string, type: string): Action {
    const zone = this.zone(idOrName);
    this.changeable(this.rrset(idOrName, name, type));
    if (type === "SOA" || (type === "NS" && name === "@")) {
      throw new ApiError("invalid_input", `${name}/${type} is managed by the API and cannot be deleted`);
    }
    delete zone.rrsets[`${name}/${type}`];
    return this.zoneAction(zone, "delete_rrset");
  }

  changeRRSetProtection(idOrName: string, name: string, type: string, input: { change?: unknown }): Action {
    const rrset = this.rrset(idOrName, name, type);
    if (typeof input.change !== "boolean") throw invalidField("change", "must be a boolean");
    rrset.protection = { change: input.change };
    return this.zoneAction(this.zone(idOrName), "change_rrset_protection");
  }

  changeRRSetTtl(idOrName: string, name: string, type: string, input: { ttl?: unknown }): Action {
    const rrset = this.changeable(this.rrset(idOrName, name, type));
    const errors = new FieldErrors();
    rrset.ttl = input.ttl === null ? null : (checkTtl(input.ttl, errors, "ttl") ?? null);
    errors.throwIfAny();
    return this.zoneAction(this.zone(idOrName), "change_rrset_ttl");
  }

  setRecords(idOrName: string, name: string, type: string, input: { records?: unknown }): Action {
    const rrset = this.changeable(this.rrset(idOrName, name, type));
    const errors = new FieldErrors();
    const records = checkRecords(input.records, type, errors);
    errors.throwIfAny();
    rrset.records = records;
    return this.zoneAction(this.zone(idOrName), "set_rrset_records");
  }

  /** Adds records, creating the RRSet when it does not exist yet (as Hetzner does). */
  addRecords(
    idOrName: string,
    name: string,
    type: string,
    input: { records?: unknown; ttl?: unknown },
  ): Action {
    const zone = this.zone(idOrName);
    const existing = zone.rrsets[`${name}/${type}`];
    if (!existing) {
      this.createRRSet(idOrName, { name, type, ttl: input.ttl, records: input.records });
      return this.zoneAction(zone, "add_rrset_records");
    }
    this.changeable(existing);
    const errors = new FieldErrors();
    const records = checkRecords(input.records, type, errors);
    if (input.ttl !== undefined && input.ttl !== null)
      existing.ttl = checkTtl(input.ttl, errors, "ttl") ?? existing.ttl;
    errors.throwIfAny();
    existing.records = [
      ...existing.records,
      ...records.filter((r) => !existing.records.some((e) => e.value === r.value)),
    ];
    return this.zoneAction(zone, "add_rrset_records");
  }

  /** Removes records by value; an RRSet left without records is deleted. */
  removeRecords(idOrName: string, name: string, type: string, input: { records?: unknown }): Action {
    const zone = this.zone(idOrName);
    const rrset = this.changeable(this.rrset(idOrName, name, type));
    const errors = new FieldErrors();
    const records = checkRecords(input.records, type, errors);
    errors.throwIfAny();
    rrset.records = rrset.records.filter((r) => !records.some((gone) => gone.value === r.value));
    if (rrset.records.length === 0) delete zone.rrsets[`${name}/${type}`];
    return this.zoneAction(zone, "remove_rrset_records");
  }

  /** Changes the comments of records that exist, found by value. */
  updateRecords(idOrName: string, name: string, type: string, input: { records?: unknown }): Action {
    const rrset = this.changeable(this.rrset(idOrName, name, type));
    const errors = new FieldErrors();
    const records = checkRecords(input.records, type, errors);
    errors.throwIfAny();
    rrset.records = rrset.records.map((r) => records.find((u) => u.value === r.value) ?? r);
    return this.zoneAction(this.zone(idOrName), "update_rrset_records");
  }

  recordCount(zone: Zone): number {
    return Object.values(zone.rrsets).reduce((n, r) => n + r.records.length, 0);
  }

  private changeable(rrset: RRSet): RRSet {
    if (rrset.protection.change)
      throw new ApiError("protected", `RRSet ${rrset.name}/${rrset.type} is change protected`);
    return rrset;
  }

  private put(zone: Zone, rrset: RRSet): RRSet {
    zone.rrsets[`${rrset.name}/${rrset.type}`] = rrset;
    return rrset;
  }

  private zoneAction(zone: Zone, command: string): Action {
    this.context.changed();
    return this.actions.succeeded(command, [{ id: zone.id, type: "zone" }]);
  }
}

function checkName(value: unknown, errors: FieldErrors): string {
  if (typeof value !== "string" || !RRSET_NAME.test(value)) {
    errors.add("name", "must be '@' or a lower-case name relative to the zone, without a trailing dot");
    return "";
  }
  return value;
}

function checkTtl(value: unknown, errors: FieldErrors, field: string): number | undefined {
  if (typeof value !== "number" || !Number.isInteger(value) || value < 60 || value > 2147483647) {
    errors.add(field, "must be a whole number of seconds from 60");
    return undefined;
  }
  return value;
}

function checkRecords(value: unknown, type: string, errors: FieldErrors): RecordValue[] {
  if (!Array.isArray(value) || value.length === 0) {
    errors.add("records", "must hold at least one record");
    return [];
  }
  return value.flatMap((raw: { value?: unknown; comment?: unknown }, i) => {
    const text = raw?.value;
    const field = `records[${i}].value`;
    if (typeof text !== "string" || text === "") errors.add(field, "is required");
    else if (type === "A" && !net.isIPv4(text)) errors.add(field, `'${text}' is no IPv4 address`);
    else if (type === "AAAA" && !net.isIPv6(text)) errors.add(field, `'${text}' is no IPv6 address`);
    else
      return [
        typeof raw.comment === "string" && raw.comment !== ""
          ? { value: text, comment: raw.comment }
          : { value: text },
      ];
    return [];
  });
}
