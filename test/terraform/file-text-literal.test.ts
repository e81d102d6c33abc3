import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { Fn, TerraformOutput, TerraformStack, Testing } from "cdktf";
import { parse } from "yaml";
import type { Organisation } from "../../config/schema";
import { fileText } from "../../constructs/host/terraform-literal";
import { PROJECT_ROOT } from "../../ops/organisations/select";
import { loadExample, synthOrganisation } from "../support/organisations";

/*
 * Issue 20: text from an organisation file must reach Terraform as text, never as code. Free text (an SSH key's
 * comment, the Sentry DSN) is given Terraform expressions that would read a file of the machine that plans,
 * a template directive, quotes and backslashes. Every string attribute of the synthesized stack that carries
 * the text is then evaluated by Terraform itself (as an output, with the tls and random resources it refers
 * to), and must hold the text byte for byte, and nothing of the file it names.
 */

const MIRROR = path.join(PROJECT_ROOT, ".terraform-providers/mirror");
/** Terraform's implied local mirror, where the hcloud, docker, null and acme plugins are built by hand. */
const LOCAL_PLUGINS = "/usr/local/share/terraform/plugins";
const workdir = fs.mkdtempSync(path.join(os.tmpdir(), "failmap-literal-"));
const secretFile = path.join(workdir, "operator-secret");
const SECRET = `LEAKED-${process.pid}`;
fs.writeFileSync(secretFile, SECRET);
afterAll(() => fs.rmSync(workdir, { recursive: true, force: true }));

/** What a careless or hostile pull request could write into a key comment or a DSN. */
const PAYLOADS = {
  "an expression and a directive": `\${file("${secretFile}")} %{ if true }x%{ endif }`,
  "quotes, backslashes and escapes": `johan 100% sure "quoted" \\" $\${file("${secretFile}")} %%{ \\n`,
};
/** Where the payload is found in the synthesized JSON, raw or escaped. */
const MARKER = "operator-secret";
/** The resource types Terraform can create here without a network: what the carrying strings may refer to. */
const LOCAL_TYPES = new Set(["tls_private_key", "random_password"]);

interface Carrier {
  readonly at: string;
  readonly text: string;
}

function carriers(json: Record<string, any>): Carrier[] {
  const found: Carrier[] = [];
  const walk = (value: unknown, at: string) => {
    if (typeof value === "string" && value.includes(MARKER)) found.push({ at, text: value });
    else if (Array.isArray(value)) value.forEach((v, i) => walk(v, `${at}[${i}]`));
    else if (value && typeof value === "object") {
      for (const [k, v] of Object.entries(value)) if (k !== "//") walk(v, `${at}.${k}`);
    }
  };
  walk(json.resource, "resource");
  walk(json.provider, "provider");
  return found;
}

/** Runs terraform in `dir` with the plugins of this machine only (npm run providers, the implied local mirror). */
function terraformIn(dir: string) {
  for (const type of ["hashicorp/tls", "hashicorp/random"]) {
    if (!fs.existsSync(path.join(MIRROR, "registry.terraform.io", type))) {
      throw new Error(`no ${type} plugin in ${MIRROR}: run npm run providers`);
    }
  }
  const cli = path.join(dir, "cli.tfrc");
  const mirrors = [MIRROR, LOCAL_PLUGINS].map(
    (p) => `  filesystem_mirror {\n    path = ${JSON.stringify(p)}\n  }\n`,
  );
  fs.writeFileSync(cli, `provider_installation {\n${mirrors.join("")}}\n`);
  const env = { ...process.env, TF_CLI_CONFIG_FILE: cli, CHECKPOINT_DISABLE: "1", TF_IN_AUTOMATION: "1" };
  return (...args: string[]) => {
    const result = spawnSync("terraform", args, { cwd: dir, env, encoding: "utf8" });
    if (result.error) throw new Error(`terraform: ${result.error.message} (install Terraform 1.11)`);
    if (result.status !== 0) {
      throw new Error(`terraform ${args[0]} failed:\n${result.stdout}${result.stderr}`);
    }
    return result.stdout;
  };
}

/** Terraform's value of each string, evaluated as outputs of a configuration holding only what they refer to. */
function evaluate(json: Record<string, any>, strings: readonly string[]): string[] {
  const resource: Record<string, Record<string, unknown>> = {};
  for (const text of strings) {
    for (const [, type, name] of text.matchAll(/\b([a-z]+_[a-z_]+)\.([\w-]+)\./g)) {
      if (!LOCAL_TYPES.has(type)) throw new Error(`cannot evaluate here: it refers to ${type}.${name}`);
      const config = { ...json.resource[type][name] };
      delete config["//"];
      (resource[type] ??= {})[name] = config;
    }
  }
  const config = {
    terraform: {
      required_providers: {
        tls: { source: "hashicorp/tls", version: "4.1.0" },
        random: { source: "hashicorp/random", version: "3.7.2" },
      },
    },
    ...(Object.keys(resource).length > 0 ? { resource } : {}),
    output: Object.fromEntries(strings.map((value, i) => [`o${i}`, { value, sensitive: true }])),
  };
  const outputs = applied(config);
  return strings.map((_, i) => outputs[`o${i}`] as string);
}

/** Applies a configuration of outputs (and local resources) in a fresh folder; the outputs' values. */
function applied(config: Record<string, unknown>): Record<string, unknown> {
  const dir = fs.mkdtempSync(path.join(workdir, "eval-"));
  fs.writeFileSync(path.join(dir, "main.tf.json"), JSON.stringify(config, null, 2));
  const run = terraformIn(dir);
  run("init", "-input=false", "-no-color");
  run("apply", "-auto-approve", "-input=false", "-no-color");
  const outputs = JSON.parse(run("output", "-json")) as Record<string, { value: unknown }>;
  return Object.fromEntries(Object.entries(outputs).map(([name, o]) => [name, o.value]));
}

/** The text a carrier holds as its reader sees it: cloud-init reads user_data as YAML. */
function readerText(at: string, value: string): string {
  if (!at.endsWith(".user_data")) return value;
  expect(value.startsWith("#cloud-config\n")).toBe(true);
  const config = parse(value) as { users: { ssh_authorized_keys: string[] }[] };
  return config.users.flatMap((u) => u.ssh_authorized_keys).join("\n");
}

function withPayload(name: string, payload: string, edit: (org: Organisation) => void = () => {}) {
  const organisation = loadExample(name, (d) => {
    d.users[0].keys[0] = `${d.users[0].keys[0].split(" ").slice(0, 2).join(" ")} ${payload}`;
    if (d.server.provider === "existing") d.server.hostKey = `${d.server.hostKey} ${payload}`;
  });
  edit(organisation);
  return organisation;
}

/** Terraform's value of every string that carries the payload, each checked to hold it as text and nothing read. */
function carriedLiterally(json: Record<string, any>, payload: string): { at: string; value: string }[] {
  const found = carriers(json);
  expect(found.length).toBeGreaterThan(0);
  const values = evaluate(
    json,
    found.map((c) => c.text),
  );
  return found.map(({ at }, i) => {
    const value = readerText(at, values[i]);
    const seen = { at, leaked: value.includes(SECRET), literal: value.includes(payload) };
    expect(seen).toEqual({ at, leaked: false, literal: true });
    return { at, value };
  });
}

describe.each(Object.entries(PAYLOADS))("free text with %s", (_, payload) => {
  it("reaches every string of the Hetzner stack as the text itself", () => {
    // The schema refuses such a DSN; set after it, so that the way to Terraform is tested on its own.
    const dsn = `https://key@o1.ingest.sentry.io/1?${payload}`;
    const organisation = withPayload("faalkaart", payload, (org) => {
      org.instances.production.sentryDsn = dsn;
    });
    const key = organisation.users[0].keys[0];
    const carried = carriedLiterally(synthOrganisation(organisation), payload);
    const at = carried.map((c) => c.at).join("\n");
    expect(at).toMatch(/^resource\.hcloud_ssh_key\..*\.public_key$/m);
    expect(at).toMatch(/^resource\.hcloud_server\..*\.user_data$/m);
    expect(at).toMatch(/^resource\.docker_container\..*\.env\[\d+\]$/m);
    expect(at).toMatch(/^resource\.null_resource\..*\.provisioner\[\d+\]\.file\.content$/m);
    for (const { at, value } of carried) {
      if (at.endsWith(".public_key")) expect(value).toBe(key);
      if (at.endsWith(".user_data")) expect(value.split("\n")).toContain(key);
      if (at.includes(".env[")) expect(value).toBe(`SENTRY_DSN=${dsn}`);
    }
  }, 300_000);

  it("leaves a stack that Terraform validates with the real plugins", () => {
    const organisation = withPayload("faalkaart", payload, (org) => {
      org.instances.production.sentryDsn = `https://key@o1.ingest.sentry.io/1?${payload}`;
    });
    const dir = fs.mkdtempSync(path.join(workdir, "stack-"));
    fs.writeFileSync(path.join(dir, "cdk.tf.json"), JSON.stringify(synthOrganisation(organisation)));
    const run = terraformIn(dir);
    run("init", "-input=false", "-no-color", "-backend=false");
    expect(run("validate", "-no-color")).toMatch(/The configuration is valid/);
  }, 300_000);

  it("reaches every string of an existing host's stack as the text itself", () => {
    carriedLiterally(synthOrganisation(withPayload("failmap-uk", payload)), payload);
  }, 300_000);
});

describe.each(Object.entries(PAYLOADS))("a fileText token holding %s", (_, payload) => {
  it("is the text itself wherever cdktf renders it: an attribute, a list, a function's argument", () => {
    const stack = new TerraformStack(Testing.app(), "literal");
    const text = fileText(payload);
    const cases: Record<string, [unknown, unknown]> = {
      attribute: [text, payload],
      spliced: [`before ${text} after`, `before ${payload} after`],
      list: [
        [text, "x"],
        [payload, "x"],
      ],
      join: [Fn.join("", [text]), payload],
      joinSpliced: [Fn.join("", [`a ${text} b`]), `a ${payload} b`],
      jsonencode: [Fn.jsonencode({ k: [text] }), JSON.stringify({ k: [payload] })],
      yamlencode: [Fn.yamlencode({ k: [text] }), { k: [payload] }],
    };
    for (const [name, [value]] of Object.entries(cases)) new TerraformOutput(stack, name, { value });
    const { output } = JSON.parse(Testing.synth(stack)) as { output: Record<string, unknown> };
    const values = applied({ output });
    values.yamlencode = parse(values.yamlencode as string);
    expect(values).toEqual(Object.fromEntries(Object.entries(cases).map(([name, [, want]]) => [name, want])));
  }, 120_000);
});
