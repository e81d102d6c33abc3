import type { Action, Actions } from "./actions";
import { ApiError, FieldErrors } from "./errors";
import { formatCidr, hostBits, parseAddress, parseCidr } from "./ip";
import { checkLabels, parseLabelSelector, type Labels } from "./labels";
import { Records, requireName, type StoreContext } from "./store";

export interface FirewallRule {
  readonly direction: "in" | "out";
  readonly source_ips: readonly string[];
  readonly destination_ips: readonly string[];
  readonly protocol: string;
  readonly port: string | null;
  readonly description: string | null;
}

export type FirewallTarget =
  | { readonly type: "server"; readonly server: { readonly id: number } }
  | { readonly type: "label_selector"; readonly label_selector: { readonly selector: string } };

export interface Firewall {
  readonly id: number;
  name: string;
  labels: Labels;
  readonly created: string;
  rules: readonly FirewallRule[];
  /** What the firewall was applied to: servers and label selectors, as `apply_to` names them. */
  applied: FirewallTarget[];
}

/** The servers a firewall can be applied to; the server store answers. */
export interface ServerDirectory {
  servers(): readonly { readonly id: number; readonly labels: Labels }[];
}

const PROTOCOLS = ["tcp", "udp", "icmp", "esp", "gre"];

export class Firewalls {
  readonly records = new Records<Firewall>("firewall");

  constructor(
    private readonly context: StoreContext,
    private readonly actions: Actions,
    private readonly directory: ServerDirectory,
  ) {}

  create(input: { name?: unknown; labels?: unknown; rules?: unknown; apply_to?: unknown }): {
    firewall: Firewall;
    actions: Action[];
  } {
    const errors = new FieldErrors();
    const name = requireName(input.name, errors);
    const labels = checkLabels(input.labels, errors);
    const rules = checkRules(input.rules ?? [], errors);
    const targets = checkTargets(input.apply_to ?? [], errors, "apply_to");
    errors.throwIfAny();
    this.records.requireUniqueName(name, "firewall name is already used");
    targets.forEach((t) => this.requireTargetExists(t));
    const firewall = this.records.add({
      id: this.context.nextId(),
      name,
      labels,
      created: this.context.now(),
      rules,
      applied: [],
    });
    const actions = targets.map((t) => this.apply(firewall, t));
    this.context.changed();
    return { firewall, actions };
  }

  update(id: number, input: { name?: unknown; labels?: unknown }): Firewall {
    const firewall = this.records.update(id, input, "firewall name is already used");
    this.context.changed();
    return firewall;
  }

  setRules(id: number, input: { rules?: unknown }): Action[] {
    const firewall = this.records.get(id);
    const errors = new FieldErrors();
    if (!Array.isArray(input.rules)) errors.add("rules", "is required");
    const rules = checkRules(input.rules ?? [], errors);
    errors.throwIfAny();
    firewall.rules = rules;
    const resources = [{ id, type: "firewall" }];
    const applied = this.serversOf(firewall).map((serverId) =>
      this.actions.succeeded("apply_firewall", [...resources, { id: serverId, type: "server" }]),
    );
    this.context.changed();
    return [this.actions.succeeded("set_firewall_rules", resources), ...applied];
  }

  applyToResources(id: number, input: { apply_to?: unknown }): Action[] {
    const firewall = this.records.get(id);
    const errors = new FieldErrors();
    const targets = checkTargets(input.apply_to, errors, "apply_to");
    errors.throwIfAny();
    for (const target of targets) {
      this.requireTargetExists(target);
      if (firewall.applied.some((a) => sameTarget(a, target))) {
        throw new ApiError(
          "firewall_already_applied",
          `firewall ${id} is already applied to ${describe(target)}`,
        );
      }
    }
    const actions = targets.map((t) => this.apply(firewall, t));
    this.context.changed();
    return actions;
  }

  removeFromResources(id: number, input: { remove_from?: unknown }): Action[] {
    const firewall = this.records.get(id);
    const errors = new FieldErrors();
    const targets = checkTargets(input.remove_from, errors, "remove_from");
    errors.throwIfAny();
    for (const target of targets) {
      if (!firewall.applied.some((a) => sameTarget(a, target))) {
        throw new ApiError(
          "firewall_resource_not_found",
          `firewall ${id} is not applied to ${describe(target)}`,
        );
      }
    }
    firewall.applied = firewall.applied.filter((a) => !targets.some((t) => sameTarget(a, t)));
    this.context.changed();
    return targets.map((t) =>
      this.actions.succeeded("remove_firewall", [{ id, type: "firewall" }, ...resourceOf(t)]),
    );
  }

  /** A firewall still applied to anything cannot be deleted (`resource_in_use`), as on Hetzner. */
  delete(id: number): void {
    const firewall = this.records.get(id);
    if (firewall.applied.length > 0) {
      throw new ApiError("resource_in_use", `firewall with ID ${id} is still in use`);
    }
    this.records.delete(id);
    this.context.changed();
  }

  /** Applies a firewall to a server being created (`firewalls` of `POST /servers`). */
  applyToNewServer(firewallId: number, serverId: number): Action {
    return this.apply(this.records.get(firewallId), { type: "server", server: { id: serverId } });
  }

  /** A deleted server is no longer a target of any firewall. */
  forgetServer(serverId: number): void {
    for (const firewall of this.records.all()) {
      firewall.applied = firewall.applied.filter((a) => a.type !== "server" || a.server.id !== serverId);
    }
  }

  /** Firewalls that apply to a server, directly or through a label selector matching its labels. */
  firewallsOf(server: { id: number; labels: Labels }): Firewall[] {
    return this.records.all().filter((f) => this.serversOf(f).includes(server.id));
  }

  /** Ids of the servers a firewall applies to. */
  serversOf(firewall: Firewall): number[] {
    const ids = new Set<number>();
    for (const target of firewall.applied) {
      if (target.type === "server") ids.add(target.server.id);
      else for (const s of this.matching(target.label_selector.selector)) ids.add(s);
    }
    return [...ids].sort((a, b) => a - b);
  }

  /** Servers a label selector matches, for `applied_to_resources`. */
  matching(selector: string): number[] {
    const matches = parseLabelSelector(selector);
    return this.directory
      .servers()
      .filter((s) => matches(s.labels))
      .map((s) => s.id);
  }

  private apply(firewall: Firewall, target: FirewallTarget): Action {
    firewall.applied.push(target);
    return this.actions.succeeded("apply_firewall", [
      { id: firewall.id, type: "firewall" },
      ...resourceOf(target),
    ]);
  }

  private requireTargetExists(target: FirewallTarget): void {
    if (target.type === "server" && !this.directory.servers().some((s) => s.id === target.server.id)) {
      throw new ApiError("firewall_resource_not_found", `server with ID '${target.server.id}' not found`);
    }
  }
}

function resourceOf(target: FirewallTarget): { id: number; type: string }[] {
  return target.type === "server" ? [{ id: target.server.id, type: "server" }] : [];
}

function describe(target: FirewallTarget): string {
  return target.type === "server"
    ? `server ${target.server.id}`
    : `label selector '${target.label_selector.selector}'`;
}

function sameTarget(a: FirewallTarget, b: FirewallTarget): boolean {
  if (a.type === "server" && b.type === "server") return a.server.id === b.server.id;
  if (a.type === "label_selector" && b.type === "label_selector") {
    return a.label_selector.selector === b.label_selector.selector;
  }
  return false;
}

function checkTargets(value: unknown, errors: FieldErrors, field: string): FirewallTarget[] {
  if (!Array.isArray(value)) {
    errors.add(field, "must be a list");
    return [];
  }
  const targets: FirewallTarget[] = [];
  value.forEach(
    (raw: { type?: unknown; server?: { id?: unknown }; label_selector?: { selector?: unknown } }, i) => {
      if (raw?.type === "server" && Number.isInteger(raw.server?.id)) {
        targets.push({ type: "server", server: { id: raw.server!.id as number } });
      } else if (raw?.type === "label_selector" && typeof raw.label_selector?.selector === "string") {
        parseLabelSelector(raw.label_selector.selector);
        targets.push({ type: "label_selector", label_selector: { selector: raw.label_selector.selector } });
      } else {
        errors.add(`${field}[${i}]`, "must be a server ({type: server, server: {id}}) or a label_selector");
      }
    },
  );
  return targets;
}

function checkRules(value: unknown, errors: FieldErrors): FirewallRule[] {
  if (!Array.isArray(value)) {
    errors.add("rules", "must be a list");
    return [];
  }
  return value.map((raw: Record<string, unknown>, i) => checkRule(raw ?? {}, errors, `rules[${i}]`));
}

function checkRule(raw: Record<string, unknown>, errors: FieldErrors, field: string): FirewallRule {
  const direction = raw.direction === "in" || raw.direction === "out" ? raw.direction : undefined;
  if (!direction) errors.add(`${field}.direction`, "must be 'in' or 'out'");
  const protocol = typeof raw.protocol === "string" && PROTOCOLS.includes(raw.protocol) ? raw.protocol : "";
  if (!protocol) errors.add(`${field}.protocol`, `must be one of ${PROTOCOLS.join(", ")}`);

  const port = raw.port === undefined || raw.port === null ? null : raw.port;
  if (protocol === "tcp" || protocol === "udp") {
    if (!isPort(port))
      errors.add(`${field}.port`, "is required for tcp and udp: a port, a range 'a-b' or 'any'");
  } else if (protocol && port !== null) {
    errors.add(`${field}.port`, `is not allowed for ${protocol}`);
  }

  const sources = checkCidrs(raw.source_ips, errors, `${field}.source_ips`);
  const destinations = checkCidrs(raw.destination_ips, errors, `${field}.destination_ips`);
  if (direction === "in" && sources.length === 0)
    errors.add(`${field}.source_ips`, "is required for direction in");
  if (direction === "in" && destinations.length > 0) {
    errors.add(`${field}.destination_ips`, "is not allowed for direction in");
  }
  if (direction === "out" && destinations.length === 0) {
    errors.add(`${field}.destination_ips`, "is required for direction out");
  }
  if (direction === "out" && sources.length > 0)
    errors.add(`${field}.source_ips`, "is not allowed for direction out");

  const description = typeof raw.description === "string" ? raw.description : null;
  return {
    direction: direction ?? "in",
    source_ips: sources,
    destination_ips: destinations,
    protocol,
    port: port as string | null,
    description,
  };
}

function isPort(port: unknown): boolean {
  if (port === "any") return true;
  if (typeof port !== "string") return false;
  const m = /^(\d{1,5})(?:-(\d{1,5}))?$/.exec(port);
  if (!m) return false;
  const [from, to] = [Number(m[1]), Number(m[2] ?? m[1])];
  return from >= 1 && to <= 65535 && from <= to;
}

/**
 * CIDRs as the API stores them: lower case, IPv6 in its shortest form. A bare address or host bits set are
 * refused, as Hetzner refuses them (the provider turns bare addresses into /32 and /128 before sending).
 */
function checkCidrs(value: unknown, errors: FieldErrors, field: string): string[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) {
    errors.add(field, "must be a list");
    return [];
  }
  return value.flatMap((text) => {
    const network = typeof text === "string" ? parseCidr(text) : undefined;
    if (!network) {
      const bare = typeof text === "string" && parseAddress(text);
      errors.add(
        field,
        bare ? `'${text}' is an address, not a network (add /32 or /128)` : `'${text}' is no CIDR`,
      );
      return [];
    }
    if (hostBits(network) !== 0n) {
      errors.add(field, `'${text}' has host bits set`);
      return [];
    }
    return [formatCidr(network)];
  });
}
