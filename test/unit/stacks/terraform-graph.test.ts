import { loadOrganisations } from "../../../config/load";
import { ORGANISATIONS_DIR, synthOrganisation } from "../../support/organisations";

/*
 * Properties of the whole synthesized stack that no single construct's test can see: every string is safe
 * for Terraform's template parser, and nothing touches a host's Docker before that host is bootstrapped.
 */

const organisations = loadOrganisations(ORGANISATIONS_DIR).map(
  (o) => [o.organisation.name, o.organisation] as const,
);

function* strings(value: unknown, at = "$"): Generator<[string, string]> {
  if (typeof value === "string") yield [at, value];
  else if (Array.isArray(value)) for (const [i, v] of value.entries()) yield* strings(v, `${at}[${i}]`);
  else if (value && typeof value === "object") {
    for (const [k, v] of Object.entries(value)) yield* strings(v, `${at}.${k}`);
  }
}

// What Terraform accepts after "${": a reference (type.name..., var., data., local.) or a function call.
const TEMPLATE_START = /(?<!\$)\$\{(?![a-z_][a-z0-9_]*\.|[a-z_][a-z0-9_]*\()/;
const DIRECTIVE = /(?<!%)%\{/;

describe.each(organisations)("org-%s", (_name, organisation) => {
  const synth = synthOrganisation(organisation);

  it("has no shell or nginx variable that Terraform would read as a template", () => {
    const broken = [...strings(synth)]
      .filter(([, text]) => TEMPLATE_START.test(text) || DIRECTIVE.test(text))
      .map(([at, text]) => `${at}: ${text.match(/.{0,30}(?<!\$)[$%]\{.{0,30}/)?.[0]}`);
    expect(broken).toEqual([]);
  });

  it("touches no host's Docker before that host's bootstrap has run", () => {
    const address = (type: string, name: string) => `${type}.${name}`;
    const edges = new Map<string, Set<string>>();
    for (const kind of ["resource", "data"] as const) {
      for (const [type, instances] of Object.entries<Record<string, unknown>>(synth[kind] ?? {})) {
        for (const [name, config] of Object.entries(instances)) {
          const from = kind === "data" ? `data.${address(type, name)}` : address(type, name);
          const text = JSON.stringify(config);
          const refs = new Set<string>();
          for (const m of text.matchAll(/(data\.)?([a-z]+_[a-z0-9_]+)\.([A-Za-z0-9_-]+)/g)) refs.add(m[0]);
          edges.set(from, refs);
        }
      }
    }
    const reaches = (from: string, target: RegExp, seen = new Set<string>()): boolean => {
      if (target.test(from)) return true;
      if (seen.has(from)) return false;
      seen.add(from);
      return [...(edges.get(from) ?? [])].some((next) => reaches(next, target, seen));
    };

    const docker = [...edges.keys()].filter((a) => /^docker_(image|container|network|volume)\./.test(a));
    expect(docker.length).toBeGreaterThan(0);
    const early = docker.filter((a) => !reaches(a, /^null_resource\.(bootstrap|bootstrap-[\w-]+)_/));
    expect(early).toEqual([]);
  });
});
