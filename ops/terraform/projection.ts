/**
 * When some provider plugins cannot be had (see ops/providers), Terraform can still read the rest of a
 * stack: every resource and data source of a missing provider becomes a `terraform_data` resource (built
 * into Terraform, no plugin) that carries the same arguments, provisioners, dependencies and lifecycle
 * rules. Terraform then checks what needs no provider schema: that every expression parses, every function
 * call is valid, every reference points somewhere, and that the graph has no cycle. It cannot check the missing providers' own
 * argument names and types; the schema conformance test covers those against the committed schemas.
 */
export type TerraformJson = Record<string, unknown> & {
  terraform?: { required_providers?: Record<string, unknown>; backend?: Record<string, unknown> };
  provider?: Record<string, unknown>;
  resource?: Record<string, Record<string, Record<string, unknown>>>;
  data?: Record<string, Record<string, Record<string, unknown>>>;
};

export interface Projection {
  readonly json: TerraformJson;
  /** Addresses in the original stack that stand in the projection as terraform_data. */
  readonly projected: readonly string[];
}

/** Arguments of a resource that belong to Terraform, not to its provider. */
const META = new Set([
  "provider",
  "lifecycle",
  "count",
  "for_each",
  "depends_on",
  "connection",
  "provisioner",
]);

/** The local provider name a resource or data source is served by: its `provider` or its type's prefix. */
export function providerOf(type: string, config: Record<string, unknown>): string {
  const explicit = typeof config.provider === "string" ? config.provider : type;
  return explicit.split(/[._]/)[0];
}

/** terraform_data and the like belong to Terraform itself: there is no plugin to miss. */
const BUILT_IN = "terraform";

export function projectOntoProviders(stack: TerraformJson, available: ReadonlySet<string>): Projection {
  const renamed = new Map<string, StandIn>();
  for (const kind of ["resource", "data"] as const) {
    for (const [type, blocks] of Object.entries(stack[kind] ?? {})) {
      for (const [name, config] of Object.entries(blocks)) {
        const provider = providerOf(type, config);
        if (provider === BUILT_IN || available.has(provider)) continue;
        const address = kind === "data" ? `data.${type}.${name}` : `${type}.${name}`;
        renamed.set(address, {
          address: `terraform_data.${kind === "data" ? "data__" : ""}${type}__${name}`,
          args: new Set(Object.keys(config).filter((k) => !META.has(k))),
        });
      }
    }
  }
  const rewrite = (value: unknown): unknown => rewriteReferences(value, renamed);

  const resource: Record<string, Record<string, unknown>> = {};
  const data: Record<string, Record<string, unknown>> = {};
  const standIns: Record<string, unknown> = {};
  for (const kind of ["resource", "data"] as const) {
    for (const [type, blocks] of Object.entries(stack[kind] ?? {})) {
      for (const [name, config] of Object.entries(blocks)) {
        const address = kind === "data" ? `data.${type}.${name}` : `${type}.${name}`;
        const target = renamed.get(address)?.address;
        if (!target) {
          const into = kind === "data" ? data : resource;
          into[type] = { ...(into[type] as object), [name]: rewrite(config) };
          continue;
        }
        const args = Object.fromEntries(Object.entries(config).filter(([k]) => !META.has(k)));
        const kept = Object.fromEntries(
          ["count", "for_each", "depends_on", "connection", "provisioner"]
            .filter((k) => k in config)
            .map((k) => [k, config[k]]),
        );
        const lifecycle = standInLifecycle(config.lifecycle);
        standIns[target.slice("terraform_data.".length)] = rewrite({
          ...kept,
          ...(lifecycle ? { lifecycle } : {}),
          input: args,
        });
      }
    }
  }
  if (Object.keys(standIns).length > 0) {
    resource.terraform_data = { ...(resource.terraform_data as object), ...standIns };
  }

  const json: TerraformJson = { ...stack };
  json.terraform = {
    ...stack.terraform,
    required_providers: keep(stack.terraform?.required_providers, available),
  };
  json.provider = keep(stack.provider, available);
  json.resource = resource as TerraformJson["resource"];
  if (Object.keys(data).length > 0) json.data = data as TerraformJson["data"];
  else delete json.data;
  if (stack.output) json.output = rewrite(stack.output);
  // A stand-in cannot be imported into: an import block of a projected resource goes, with its reads.
  const imports = ((stack.import ?? []) as { to: string }[]).filter((block) => !renamed.has(block.to));
  if (imports.length > 0) json.import = imports;
  else delete json.import;
  return { json, projected: [...renamed.keys()] };
}

/** A projected block's stand-in, and the arguments its input holds. */
interface StandIn {
  readonly address: string;
  readonly args: ReadonlySet<string>;
}

/**
 * What a stand-in keeps of its block's lifecycle: the ordering and replacement rules Terraform acts on
 * (create_before_destroy, replace_triggered_by, ...), so that plans of the projection show them. Not
 * ignore_changes: it names the provider's attributes, which terraform_data does not have.
 */
function standInLifecycle(lifecycle: unknown): Record<string, unknown> | undefined {
  if (!lifecycle || typeof lifecycle !== "object") return undefined;
  const kept = Object.entries(lifecycle).filter(([k]) => k !== "ignore_changes");
  return kept.length > 0 ? Object.fromEntries(kept) : undefined;
}

function keep<T>(entries: Record<string, T> | undefined, available: ReadonlySet<string>): Record<string, T> {
  return Object.fromEntries(Object.entries(entries ?? {}).filter(([name]) => available.has(name)));
}

/**
 * References to a projected block point at its stand-in: an argument of the block (`docker_image.x.name`)
 * at the same value in the stand-in's input, keeping its type; any other attribute
 * (`hcloud_server.x.ipv4_address`, `...network[0].ip`) becomes the stand-in's `id`; a bare address
 * (depends_on) the stand-in itself.
 */
function rewriteReferences(value: unknown, renamed: ReadonlyMap<string, StandIn>): unknown {
  if (typeof value === "string") {
    return value.replace(
      /(?<![\w.-])((?:data\.)?[a-z][a-z0-9]*_[a-z0-9_]+\.[A-Za-z_][\w-]*)((?:\.[A-Za-z_][\w-]*|\[[^\]]*\])*)/g,
      (match, address: string, attribute: string) => {
        const target = renamed.get(address);
        if (!target) return match;
        if (!attribute) return target.address;
        const [, first] = /^\.([A-Za-z_][\w-]*)/.exec(attribute) ?? [];
        return target.args.has(first) ? `${target.address}.input${attribute}` : `${target.address}.id`;
      },
    );
  }
  if (Array.isArray(value)) return value.map((v) => rewriteReferences(v, renamed));
  if (value && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, rewriteReferences(v, renamed)]));
  }
  return value;
}
