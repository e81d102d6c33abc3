import { stringAttributes, type StringAttribute } from "./string-attributes";

/** A resource, data source or provider configuration, as the synthesized JSON holds it. */
export interface Block {
  /** Terraform's address: hcloud_server.main_server_1A2B, data.x.y, provider.docker.main. */
  readonly address: string;
  /** The construct path (from cdktf's metadata), to name the block as the code knows it. */
  readonly path: string;
  readonly config: Record<string, unknown>;
  /** Its string attributes: every stack-wide rule reads them, so they are read once, with the block. */
  readonly strings: readonly StringAttribute[];
}

/** The synthesized stack; only the block sections are read. */
export interface TerraformJson {
  readonly resource?: Record<string, Record<string, Config>>;
  readonly data?: Record<string, Record<string, Config>>;
  readonly provider?: Record<string, Config | Config[]>;
}

type Config = Record<string, unknown> & { "//"?: { metadata?: { path?: string } }; alias?: string };

/** The blocks of each synthesized stack, read once: every stack-wide rule reads the same JSON. */
const read = new WeakMap<TerraformJson, readonly Block[]>();

/** Every block of a synthesized stack that can take part in Terraform's dependency graph. */
export function blocksOf(json: TerraformJson): readonly Block[] {
  const known = read.get(json);
  if (known) return known;
  const blocks: Block[] = [];
  const add = (address: string, config: Config) =>
    blocks.push({
      address,
      path: config["//"]?.metadata?.path ?? address,
      config,
      strings: stringAttributes(config),
    });
  for (const [kind, prefix] of [
    ["resource", ""],
    ["data", "data."],
  ] as const) {
    for (const [type, instances] of Object.entries(json[kind] ?? {})) {
      for (const [name, config] of Object.entries(instances)) add(`${prefix}${type}.${name}`, config);
    }
  }
  for (const [name, configs] of Object.entries(json.provider ?? {})) {
    for (const config of [configs].flat()) add(providerAddress(name, config.alias), config);
  }
  read.set(json, blocks);
  return blocks;
}

const providerAddress = (name: string, alias?: string) => `provider.${name}${alias ? `.${alias}` : ""}`;

const REFERENCE = /(?<![\w.-])((?:data\.)?[a-z][a-z0-9]*_[a-z0-9_]+\.[A-Za-z_][\w-]*)/g;

/** The addresses a block needs before it: references in its expressions, depends_on, and its provider. */
export function dependenciesOf(block: Block): Set<string> {
  const needs = new Set<string>();
  for (const { key, value, sequences } of block.strings) {
    if (key === "depends_on") needs.add(value);
    for (const { expression, directive } of sequences) {
      if (!directive) for (const m of expression.matchAll(REFERENCE)) needs.add(m[1]);
    }
  }
  const provider = block.config.provider;
  if (typeof provider === "string" && !block.address.startsWith("provider.")) {
    const [name, alias] = provider.split(".");
    needs.add(providerAddress(name, alias));
  }
  return needs;
}

/** One dependency cycle, as the list of blocks around it, or undefined when the graph has none. */
export function findCycle(blocks: readonly Block[]): Block[] | undefined {
  const byAddress = new Map(blocks.map((b) => [b.address, b]));
  const edges = new Map(
    blocks.map((b) => [b.address, [...dependenciesOf(b)].filter((a) => byAddress.has(a))]),
  );
  const state = new Map<string, "visiting" | "done">();
  const stack: string[] = [];
  const visit = (address: string): string[] | undefined => {
    state.set(address, "visiting");
    stack.push(address);
    for (const next of edges.get(address) ?? []) {
      if (state.get(next) === "visiting") return stack.slice(stack.indexOf(next));
      if (!state.has(next)) {
        const cycle = visit(next);
        if (cycle) return cycle;
      }
    }
    stack.pop();
    state.set(address, "done");
    return undefined;
  };
  for (const block of blocks) {
    if (state.has(block.address)) continue;
    const cycle = visit(block.address);
    if (cycle) return cycle.map((a) => byAddress.get(a)!);
  }
  return undefined;
}
