import { createHash } from "node:crypto";

/**
 * Each instance owns one slot: a block of host ports for its apps and broker and a broker exporter port
 * (config/model/ports.ts). The slot belongs to the instance's name, never to
 * its position in the file, so adding or removing an instance leaves the others' ports, and so their
 * containers, alone.
 */
export const INSTANCE_SLOTS = 20;

/** The slot an instance gets when the file names none: from a hash of its name, 1 to INSTANCE_SLOTS. */
export function derivedSlot(instance: string): number {
  return (createHash("sha256").update(instance).digest().readUInt32BE(0) % INSTANCE_SLOTS) + 1;
}

export interface SlotAssignment {
  readonly slots: ReadonlyMap<string, number>;
  /** Instances whose slot another instance already holds, with the first holder. */
  readonly clashes: readonly { readonly instance: string; readonly holder: string; readonly slot: number }[];
  readonly free: readonly number[];
}

/** Every instance's slot: the one the file gives, else the one its name gives. */
export function assignSlots(instances: Readonly<Record<string, { readonly slot?: number }>>): SlotAssignment {
  const slots = new Map<string, number>();
  const holders = new Map<number, string>();
  const clashes: { instance: string; holder: string; slot: number }[] = [];
  for (const [instance, settings] of Object.entries(instances)) {
    const slot = settings.slot ?? derivedSlot(instance);
    slots.set(instance, slot);
    const holder = holders.get(slot);
    if (holder !== undefined) clashes.push({ instance, holder, slot });
    else holders.set(slot, instance);
  }
  const free = Array.from({ length: INSTANCE_SLOTS }, (_, i) => i + 1).filter((s) => !holders.has(s));
  return { slots, clashes, free };
}
