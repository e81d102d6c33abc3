import { stringify } from "yaml";
import { formatProblem, OrganisationConfigError } from "../../../config/errors";
import { FREE_TEXT_FIELDS } from "../../../config/free-text";
import { organisationJsonSchema } from "../../../config/json-schema";
import { loadFiles } from "../../../config/load";
import { exampleData, exampleText } from "../../support/organisations";

/*
 * Issue 20: what text an organisation file may hold. Characters that change how text reads or where a line
 * ends, YAML tags, URLs that are not https or not URLs, S3 names S3 forbids: each refused with the file, line
 * and field. And no string field but the listed free text (config/free-text.ts) can hold Terraform code.
 */

type Data = Record<string, any>;
const FILE = "organisations/faalkaart.yaml";

/** The problems of one file, formatted as the operator reads them; [] when it loads. */
function problems(text: string, file = FILE): string[] {
  const result = load(text, file);
  return "problems" in result ? result.problems : [];
}

function load(text: string, file = FILE): { problems: string[] } | { organisation: unknown } {
  try {
    return { organisation: loadFiles([{ file, text }])[0].organisation };
  } catch (error) {
    if (error instanceof OrganisationConfigError) return { problems: error.problems.map(formatProblem) };
    throw error;
  }
}

const edited = (edit: (d: Data) => void, name = "faalkaart") => {
  const data = exampleData(name) as Data;
  edit(data);
  return stringify(data, { lineWidth: 0 });
};
const withComment = (comment: string) =>
  edited((d) => (d.users[0].keys[0] = `${d.users[0].keys[0].split(" ").slice(0, 2).join(" ")} ${comment}`));

const cases: [string, string, RegExp][] = [
  [
    "a control character in a key comment",
    withComment("johan\u0007@laptop"),
    /^organisations\/faalkaart\.yaml:\d+: users\.0\.keys\.0: holds the control character U\+0007 at character \d+: .*retype the value/,
  ],
  [
    "a line break in a key comment (a quoted \\n)",
    withComment("johan\nrunuser -u root id"),
    /users\.0\.keys\.0: holds a line break at character \d+: no setting spans lines/,
  ],
  [
    "a tab in a domain",
    edited((d) => (d.instances.production.domain = "faalkaart.nl\t")),
    /instances\.production\.domain: holds a tab/,
  ],
  [
    "a C1 control character (U+0085) in a user name",
    edited((d) => (d.users[1].name = "elger\u0085")),
    /users\.1\.name: holds the control character U\+0085/,
  ],
  [
    "a right-to-left override in a key comment (Trojan Source)",
    withComment("johan@laptop\u202e"),
    /users\.0\.keys\.0: holds the invisible character U\+202E at character \d+, which changes how text reads/,
  ],
  [
    "a left-to-right mark in an instance name (the key)",
    edited((d) => {
      d.instances["staging\u200e"] = d.instances.staging;
      delete d.instances.staging;
    }),
    /instances\.staging\u200e: \(the key\) holds the invisible character U\+200E/,
  ],
  [
    "a cdktf token marker in a key comment",
    withComment("${TfToken[TOKEN.12]}"),
    /users\.0\.keys\.0: holds text shaped like a cdktf token/,
  ],
  [
    "a cdktf number token in a key comment",
    withComment("-8.109562212591379e+298"),
    /users\.0\.keys\.0: holds text shaped like a cdktf token/,
  ],
  [
    "an unknown YAML tag",
    exampleText().replace("name: faalkaart", "name: !secret faalkaart"),
    /^organisations\/faalkaart\.yaml:3: name: has the YAML tag !secret: .*remove the tag/,
  ],
  [
    "a YAML 1.1 tag (!!binary)",
    exampleText().replace("timezone: Europe/Amsterdam", "timezone: !!binary RXVyb3BlL0Ftc3RlcmRhbQ=="),
    /:\d+: system\.timezone: has the YAML tag !!binary/,
  ],
  [
    "a script URL as sentryDsn",
    edited((d) => (d.instances.production.sentryDsn = "javascript:alert(1)")),
    /instances\.production\.sentryDsn: is a javascript: URL; only https URLs to a host are accepted/,
  ],
  [
    "a plain http sentryDsn",
    edited((d) => (d.instances.production.sentryDsn = "http://key@sentry.example.org/1")),
    /instances\.production\.sentryDsn: is a http: URL; only https/,
  ],
  [
    "a sentryDsn with a Terraform expression",
    edited((d) => (d.instances.production.sentryDsn = 'https://k@sentry.io/1?${file("/etc/hostname")}')),
    /instances\.production\.sentryDsn: holds '\{', which a URL may not hold as it is \(RFC 3986\); write it percent-encoded \(%7B\)/,
  ],
  [
    "a state endpoint with a quote",
    edited((d) => (d.state = { bucket: "failmap-state", endpoint: 'https://fsn1.example.com/"x' })),
    /state\.endpoint: holds '"', which a URL may not hold/,
  ],
  [
    "an ACME directory with a template directive",
    edited((d) => (d.acme.directory = "https://acme.example.org/%{ if true }x%{ endif }")),
    /acme\.directory: holds '\{', which a URL may not hold/,
  ],
  [
    "an S3 bucket name S3 forbids",
    edited((d) => (d.state = { bucket: "Failmap_State" })),
    /state\.bucket: is not an S3 bucket name; write 3-63 lower-case letters/,
  ],
  [
    "an S3 bucket name written as an IP address",
    edited((d) => (d.state = { bucket: "192.168.5.4" })),
    /state\.bucket: is written as an IP address/,
  ],
  [
    "a state prefix that makes an empty key segment (//)",
    edited((d) => (d.state = { prefix: "failmap//eu/" })),
    /state\.prefix: is not a key prefix: .*joined by single slashes/,
  ],
  [
    "a state region with a Terraform expression",
    edited((d) => (d.state = { bucket: "failmap-state", region: '${file("/etc/hostname")}' })),
    /state\.region: is not a region name/,
  ],
];

describe("text an organisation file may not hold", () => {
  it.each(cases)("%s is refused with the file, line and field", (_, text, expected) => {
    expect(problems(text).join("\n")).toMatch(expected);
  });

  it("accepts any printable text in a key comment, as OpenSSH does", () => {
    expect(
      problems(withComment('johan 100% sure "quoted" \\ $${x} ${file("/etc/hostname")} %{ if true }')),
    ).toEqual([]);
  });

  it("accepts the tags of plain data written out", () => {
    expect(problems(exampleText().replace('rebootWindow: "04:30"', "rebootWindow: !!str 04:30"))).toEqual([]);
  });
});

/** Terraform code, quotes and a directive: what no strict field may take. */
const PAYLOAD = '${file("/etc/hostname")}%{ if true }x%{ endif }"';

type Step = string | number;
interface StringField {
  /** The field path with `*` for every key or item; a key field is the record's keys themselves. */
  readonly pattern: readonly Step[];
  readonly key: boolean;
}

/** Every string of the editor schema (the zod schema's JSON form) that is not an enum or a constant. */
function stringFields(schema: Data, pattern: Step[] = []): StringField[] {
  if (schema.anyOf) return (schema.anyOf as Data[]).flatMap((s) => stringFields(s, pattern));
  if (schema.type === "object") {
    const record = schema.additionalProperties && typeof schema.additionalProperties === "object";
    return [
      ...Object.entries((schema.properties ?? {}) as Record<string, Data>).flatMap(([k, s]) =>
        stringFields(s, [...pattern, k]),
      ),
      ...(record
        ? [
            { pattern: [...pattern, "*"], key: true },
            ...stringFields(schema.additionalProperties, [...pattern, "*"]),
          ]
        : []),
    ];
  }
  if (schema.type === "array") return stringFields(schema.items, [...pattern, "*"]);
  if (schema.type === "string" && !schema.enum && schema.const === undefined)
    return [{ pattern, key: false }];
  return [];
}

/** Values for optional fields the examples leave out, so that text can be added to a valid one. */
const SAMPLES: Record<string, string> = {
  "instances.*.sentryDsn": "https://key@o1.ingest.sentry.io/1",
  "state.bucket": "failmap-state",
  "state.region": "fsn1",
  "state.endpoint": "https://fsn1.your-objectstorage.com",
  "state.prefix": "failmap",
  "images.registryMirror": "registry.faalkaart.nl",
  "acme.recursiveNameservers.*": "9.9.9.9:53",
  "monitoring.alertEmail": "hostmaster@faalkaart.nl",
};

/** Sets the field in `data` to what `value` makes of its value; its path, or undefined if the example has no place. */
function setField(data: Data, field: StringField, value: (old: string) => string): string | undefined {
  const sample = SAMPLES[field.pattern.join(".")];
  let node: any = data;
  const path: Step[] = [];
  for (const [i, wanted] of field.pattern.entries()) {
    const last = i === field.pattern.length - 1;
    let step = wanted;
    if (step === "*") {
      const keys = Object.keys(node);
      if (keys.length === 0) return undefined;
      step = Array.isArray(node) ? 0 : keys[0];
      if (last && field.key) {
        const renamed = value(String(step));
        node[renamed] = node[step];
        delete node[step];
        return [...path, renamed].join(".");
      }
    }
    path.push(step);
    if (last) {
      node[step] = value(typeof node[step] === "string" ? node[step] : (sample ?? ""));
      return path.join(".");
    }
    if (node[step] === undefined) {
      if (field.pattern[i + 1] !== "*") node[step] = {};
      else if (sample !== undefined) node[step] = [sample];
      else return undefined;
    }
    node = node[step];
  }
  return undefined;
}

/** The paths of the strings of a loaded organisation that hold the payload's expression. */
function holdingCode(value: unknown, path: Step[] = []): Step[][] {
  if (typeof value === "string") return value.includes("${file(") ? [path] : [];
  if (value && typeof value === "object") {
    return Object.entries(value).flatMap(([k, v]) =>
      holdingCode(v, [...path, Array.isArray(value) ? Number(k) : k]),
    );
  }
  return [];
}

/** Whether a concrete field path (users.0.keys.0) is one of the free-text fields. */
const isFreeText = (path: readonly string[]) =>
  FREE_TEXT_FIELDS.some(
    (f) => f.length === path.length && f.every((s, i) => s === "*" || String(s) === path[i]),
  );

describe("Terraform code in any string field of the schema", () => {
  const fields = stringFields(organisationJsonSchema());

  it("finds the schema's strings", () => {
    const shown = fields.map((f) => `${f.pattern.join(".")}${f.key ? " (keys)" : ""}`);
    expect(shown).toEqual(
      expect.arrayContaining(["users.*.keys.*", "instances.*.sentryDsn", "state.bucket"]),
    );
    expect(shown.length).toBeGreaterThan(30);
  });

  it("is refused with the field named, or kept only in the free-text fields the stacks carry as literals", () => {
    const kept = new Set<string>();
    const unnamed: string[] = [];
    for (const field of fields) {
      let tried = false;
      for (const example of ["faalkaart", "failmap-uk"]) {
        for (const value of [
          () => PAYLOAD,
          (old: string) => `${old} ${PAYLOAD}`,
          (old: string) => `${old}${PAYLOAD}`,
        ]) {
          const data = exampleData(example) as Data;
          const at = setField(data, field, value);
          if (at === undefined) continue;
          const result = load(stringify(data, { lineWidth: 0 }), `organisations/${example}.yaml`);
          if ("problems" in result) {
            // A field of the other kind of server: not a place for it in this example.
            if (result.problems.some((p) => /is not a known setting/.test(p))) continue;
            const named = field.key ? at.split(".").slice(0, -1).join(".") : at;
            if (!result.problems.some((p) => p.includes(`: ${named}`))) {
              unnamed.push(`${at}: ${result.problems.join(" | ")}`);
            }
          } else {
            for (const path of holdingCode(result.organisation)) kept.add(path.join("."));
          }
          tried = true;
        }
      }
      expect({ field: field.pattern.join("."), tried }).toEqual({
        field: field.pattern.join("."),
        tried: true,
      });
    }
    expect(unnamed).toEqual([]);
    const outside = [...kept].filter((path) => !isFreeText(path.split(".")));
    expect(outside).toEqual([]);
    // Key comments are free text indeed: the stacks carry them (test/terraform/file-text-literal.test.ts).
    expect([...kept]).toContain("users.0.keys.0");
  });
});
