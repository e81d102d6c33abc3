import { ApiError, FieldErrors, notFound } from "./errors";
import { checkLabels, parseLabelSelector, type Labels } from "./labels";

/** What every resource store needs from the state around it. */
export interface StoreContext {
  nextId(): number;
  now(): string;
  changed(): void;
}

/** Records of one kind by id, with the lookups and list filters the API offers for every kind. */
export class Records<T extends { readonly id: number; name: string; labels: Labels }> {
  private readonly byId = new Map<number, T>();

  constructor(private readonly kind: string) {}

  add(record: T): T {
    this.byId.set(record.id, record);
    return record;
  }

  delete(id: number): void {
    this.byId.delete(id);
  }

  find(id: number): T | undefined {
    return this.byId.get(id);
  }

  /** The record, or the `not_found` answer Hetzner gives for it. */
  get(id: number): T {
    const record = this.byId.get(id);
    if (!record) throw notFound(this.kind, id);
    return record;
  }

  all(): T[] {
    return [...this.byId.values()].sort((a, b) => a.id - b.id);
  }

  byName(name: string): T | undefined {
    return this.all().find((r) => r.name === name);
  }

  /** The `name=` and `label_selector=` filters of every list endpoint. */
  list(filter: { name?: string; labelSelector?: string }): T[] {
    const matches = filter.labelSelector ? parseLabelSelector(filter.labelSelector) : () => true;
    return this.all().filter(
      (r) => (filter.name === undefined || r.name === filter.name) && matches(r.labels),
    );
  }

  /**
   * The `PUT` of a name and labels that most kinds have: both optional, both checked before either changes.
   * `check` adds the checks of further fields the kind takes in the same request.
   */
  update(
    id: number,
    input: { name?: unknown; labels?: unknown },
    uniquenessMessage: string,
    check: (errors: FieldErrors) => void = () => {},
  ): T {
    const record = this.get(id);
    const errors = new FieldErrors();
    const name = input.name === undefined ? undefined : requireName(input.name, errors);
    const labels = input.labels === undefined ? undefined : checkLabels(input.labels, errors);
    check(errors);
    errors.throwIfAny();
    if (name !== undefined) {
      this.requireUniqueName(name, uniquenessMessage, id);
      record.name = name;
    }
    if (labels !== undefined) record.labels = labels;
    return record;
  }

  requireUniqueName(name: string, message: string, except?: number): void {
    const other = this.byName(name);
    if (other && other.id !== except) throw new ApiError("uniqueness_error", message);
  }

  snapshot(): T[] {
    return this.all();
  }

  restore(records: readonly T[]): void {
    this.byId.clear();
    for (const record of records) this.byId.set(record.id, structuredClone(record));
  }
}

export function requireName(value: unknown, errors: FieldErrors, field = "name"): string {
  if (typeof value !== "string" || value.length === 0) {
    errors.add(field, "is required");
    return "";
  }
  if (value.length > 128) errors.add(field, "is too long");
  return value;
}
