/** Terraform state, format version 4: only what showing a resource needs. */
export interface StateFile {
  readonly version: number;
  readonly lineage?: string;
  readonly resources?: readonly StateResource[];
}

interface StateResource {
  readonly module?: string;
  readonly mode: "managed" | "data";
  readonly type: string;
  readonly name: string;
  readonly provider: string;
  readonly instances: readonly StateInstance[];
}

interface StateInstance {
  readonly index_key?: string | number;
  readonly attributes?: Record<string, unknown>;
  readonly sensitive_attributes?: readonly (readonly PathStep[])[];
}

interface PathStep {
  readonly type: "get_attr" | "index";
  readonly value: unknown;
}

export const MASK = "(sensitive)";

/** `state pull` prints nothing (local) or a blank state without a lineage (S3) when no state was ever written. */
export function parsePulledState(text: string): StateFile | undefined {
  if (!text.trim()) return undefined;
  const state = JSON.parse(text) as StateFile;
  return state.lineage ? state : undefined;
}

/** The address Terraform shows for an instance, e.g. module.a.hcloud_server.main or random_id.serial["alice"]. */
export function instanceAddress(resource: StateResource, instance: StateInstance): string {
  const key = instance.index_key;
  const index = key === undefined ? "" : typeof key === "number" ? `[${key}]` : `[${JSON.stringify(key)}]`;
  const prefix = [resource.module, resource.mode === "data" ? "data" : undefined].filter(Boolean).join(".");
  return `${prefix ? prefix + "." : ""}${resource.type}.${resource.name}${index}`;
}

export function listAddresses(state: StateFile): string[] {
  return (state.resources ?? []).flatMap((r) => r.instances.map((i) => instanceAddress(r, i)));
}

/**
 * What `terraform state show` prints, without the provider schema it insists on: the instance's attributes
 * straight from the state, with every attribute the provider marked sensitive replaced by "(sensitive)".
 */
export function showInstance(state: StateFile, address: string): string {
  for (const resource of state.resources ?? []) {
    for (const instance of resource.instances) {
      if (instanceAddress(resource, instance) !== address) continue;
      const attributes = masked(instance.attributes ?? {}, instance.sensitive_attributes ?? []);
      const width = Math.max(0, ...Object.keys(attributes).map((k) => k.length));
      return [
        `# ${address} (provider ${resource.provider})`,
        ...Object.entries(attributes).map(([k, v]) => `${k.padEnd(width)} = ${formatValue(v)}`),
        "",
      ].join("\n");
    }
  }
  const known = listAddresses(state);
  const type = address.replace(/^(module\.[^.]+\.)*(data\.)?/, "").split(".")[0];
  const sameType = known.filter((a) => a.includes(`${type}.`));
  const hint = sameType.length ? ` Similar: ${sameType.slice(0, 5).join(", ")}.` : "";
  throw new Error(
    `No resource ${address} in the state (${known.length} resources).${hint} List them with 'list'.`,
  );
}

function masked(
  attributes: Record<string, unknown>,
  paths: readonly (readonly PathStep[])[],
): Record<string, unknown> {
  const copy = structuredClone(attributes);
  for (const steps of paths) {
    let node: unknown = copy;
    steps.forEach((step, i) => {
      if (typeof node !== "object" || node === null) return;
      const key = step.value as string | number;
      let container = node as Record<string | number, unknown>;
      // A dynamically typed attribute is stored as {value, type}; sensitive paths skip that wrapper.
      if (!(key in container) && "value" in container && "type" in container) {
        container = container.value as Record<string | number, unknown>;
      }
      if (!(key in container)) {
        node = undefined;
      } else if (i === steps.length - 1) {
        container[key] = MASK;
      } else {
        node = container[key];
      }
    });
  }
  return copy;
}

function formatValue(value: unknown): string {
  if (value !== null && typeof value === "object")
    return JSON.stringify(value, null, 2).replace(/\n/g, "\n  ");
  return JSON.stringify(value);
}
