import fs from "node:fs";
import path from "node:path";

/*
 * Checks synthesized Terraform JSON against provider schemas in the `terraform providers schema -json`
 * format, the way Terraform's own validation would: unknown attributes, missing required ones, computed-only
 * attributes that were set, literals of the wrong type, and blocks nested the wrong way.
 */

interface Attribute {
  type?: unknown;
  nested_type?: { attributes: Record<string, Attribute>; nesting_mode: string };
  required?: boolean;
  optional?: boolean;
  computed?: boolean;
}
interface Block {
  attributes?: Record<string, Attribute>;
  block_types?: Record<
    string,
    { nesting_mode: string; block: Block; min_items?: number; max_items?: number }
  >;
}
interface ProviderSchema {
  provider: { block: Block };
  resource_schemas: Record<string, { block: Block }>;
  data_source_schemas: Record<string, { block: Block }>;
}

const META_ARGUMENTS = new Set([
  "//",
  "count",
  "for_each",
  "provider",
  "depends_on",
  "lifecycle",
  "provisioner",
  "connection",
]);

export function loadProviderSchemas(dir: string): Map<string, ProviderSchema> {
  const schemas = new Map<string, ProviderSchema>();
  for (const file of fs.readdirSync(dir).filter((f) => f.endsWith(".json"))) {
    const doc = JSON.parse(fs.readFileSync(path.join(dir, file), "utf8"));
    for (const [address, schema] of Object.entries(doc.provider_schemas)) {
      schemas.set(address.split("/").pop() as string, schema as ProviderSchema);
    }
  }
  return schemas;
}

const isExpression = (v: unknown) => typeof v === "string" && v.includes("${");

function typeErrors(value: unknown, type: unknown, at: string): string[] {
  if (isExpression(value)) return [];
  if (typeof type === "string") {
    const ok =
      type === "dynamic" ||
      (type === "string" && typeof value === "string") ||
      (type === "number" && (typeof value === "number" || /^-?\d+(\.\d+)?$/.test(String(value)))) ||
      (type === "bool" && typeof value === "boolean");
    return ok ? [] : [`${at}: expected ${type}, got ${JSON.stringify(value)}`];
  }
  const [kind, inner] = type as [string, unknown];
  if (kind === "list" || kind === "set") {
    if (!Array.isArray(value)) return [`${at}: expected a ${kind}, got ${JSON.stringify(value)}`];
    return value.flatMap((v, i) => typeErrors(v, inner, `${at}[${i}]`));
  }
  if (kind === "map") {
    if (typeof value !== "object" || value === null || Array.isArray(value)) return [`${at}: expected a map`];
    return Object.entries(value).flatMap(([k, v]) => typeErrors(v, inner, `${at}.${k}`));
  }
  if (kind === "object") {
    if (typeof value !== "object" || value === null) return [`${at}: expected an object`];
    const fields = inner as Record<string, unknown>;
    return Object.entries(value).flatMap(([k, v]) =>
      k in fields ? typeErrors(v, fields[k], `${at}.${k}`) : [`${at}.${k}: not an attribute of this object`],
    );
  }
  return [`${at}: unsupported schema type ${JSON.stringify(type)}`];
}

function attributeErrors(value: unknown, attr: Attribute, at: string): string[] {
  if (attr.computed && !attr.optional && !attr.required)
    return [`${at}: is computed by the provider and cannot be set`];
  if (!attr.nested_type) return typeErrors(value, attr.type, at);
  if (isExpression(value)) return [];
  const nested = attr.nested_type;
  const items = nested.nesting_mode === "single" ? [value] : value;
  if (!Array.isArray(items)) return [`${at}: expected a ${nested.nesting_mode} of objects`];
  return items.flatMap((item, i) => blockErrors(item, { attributes: nested.attributes }, `${at}[${i}]`));
}

export function blockErrors(config: unknown, block: Block, at: string): string[] {
  if (isExpression(config)) return [];
  if (typeof config !== "object" || config === null || Array.isArray(config))
    return [`${at}: expected an object`];
  const errors: string[] = [];
  const values = config as Record<string, unknown>;
  for (const [name, attr] of Object.entries(block.attributes ?? {})) {
    if (attr.required && !(name in values)) errors.push(`${at}.${name}: is required`);
  }
  for (const [name, value] of Object.entries(values)) {
    if (META_ARGUMENTS.has(name)) continue;
    const attr = block.attributes?.[name];
    const nested = block.block_types?.[name];
    if (attr) errors.push(...attributeErrors(value, attr, `${at}.${name}`));
    else if (nested) {
      if (isExpression(value)) continue;
      const single = nested.nesting_mode === "single" || nested.nesting_mode === "group";
      const items = single && !Array.isArray(value) ? [value] : value;
      if (!Array.isArray(items)) {
        errors.push(`${at}.${name}: block must be a list of objects (nesting ${nested.nesting_mode})`);
        continue;
      }
      if (nested.max_items !== undefined && items.length > nested.max_items) {
        errors.push(`${at}.${name}: at most ${nested.max_items} block(s) allowed`);
      }
      items.forEach((item, i) => errors.push(...blockErrors(item, nested.block, `${at}.${name}[${i}]`)));
    } else errors.push(`${at}.${name}: is not an attribute or block of this schema`);
  }
  return errors;
}

export interface ConformanceReport {
  readonly errors: string[];
  /** Resource and data source types that were checked, e.g. "resource.hcloud_server". */
  readonly checked: Set<string>;
  /** Types whose provider has no committed schema (they come from typed prebuilt packages). */
  readonly unchecked: Set<string>;
}

/** Checks every provider, resource and data block of one synthesized stack. */
export function checkStack(
  synth: Record<string, any>,
  schemas: Map<string, ProviderSchema>,
): ConformanceReport {
  const report: ConformanceReport = { errors: [], checked: new Set(), unchecked: new Set() };
  const providerOf = (type: string) => type.split("_")[0];

  for (const [name, configs] of Object.entries<any>(synth.provider ?? {})) {
    const schema = schemas.get(name);
    if (!schema) {
      report.unchecked.add(`provider.${name}`);
      continue;
    }
    report.checked.add(`provider.${name}`);
    (configs as unknown[]).forEach((c, i) =>
      report.errors.push(...blockErrors(c, schema.provider.block, `provider.${name}[${i}]`)),
    );
  }
  for (const [kind, key] of [
    ["resource", "resource_schemas"],
    ["data", "data_source_schemas"],
  ] as const) {
    for (const [type, instances] of Object.entries<Record<string, unknown>>(synth[kind] ?? {})) {
      const provider = schemas.get(providerOf(type));
      if (!provider) {
        report.unchecked.add(`${kind}.${type}`);
        continue;
      }
      const schema = provider[key][type];
      if (!schema) {
        report.errors.push(`${kind}.${type}: the ${providerOf(type)} provider has no such ${kind} type`);
        continue;
      }
      report.checked.add(`${kind}.${type}`);
      for (const [name, config] of Object.entries(instances)) {
        report.errors.push(...blockErrors(config, schema.block, `${kind}.${type}.${name}`));
      }
    }
  }
  return report;
}
