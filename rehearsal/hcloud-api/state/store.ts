import { ApiError, notFound } from "./errors";
import { parseLabelSelector, type Labels } from "./labels";

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
