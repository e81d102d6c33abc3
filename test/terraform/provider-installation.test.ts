import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { PROVIDER_PLUGINS, registryAddress } from "../../ops/providers/catalogue";
import { renderCliConfig } from "../../ops/providers/cli-config";
import { findPlugins, mirrorSources } from "../../ops/providers/installation";
import { MIRROR_DIR } from "../../ops/providers/mirror";
import { PLATFORM, pluginSearchDirs, unpackedPluginPath } from "../../ops/providers/plugin-dirs";
import { runTerraform } from "../../ops/state/terraform";
import { ensureMirror } from "./stacks";

/*
 * Real `terraform init` with the CLI config `npm run providers` writes: a plugin found in a directory is
 * installed from there without any network, and one found nowhere is asked of the registry instead of
 * failing as "not found". The registry is not reachable from here: every connection goes to a proxy that does
 * not exist, so "asked of the registry" shows as that proxy's refusal, naming registry.terraform.io.
 */
const tls = PROVIDER_PLUGINS.find((p) => p.type === "tls")!;
const hcloud = PROVIDER_PLUGINS.find((p) => p.type === "hcloud")!;
let root: string;
let mirror: string;
let config: string;

beforeAll(() => {
  ensureMirror();
  root = fs.mkdtempSync(path.join(os.tmpdir(), "failmap-provider-installation-"));
  // A mirror named by FAILMAP_PROVIDER_MIRROR, holding the tls plugin built here, under a name that HCL
  // would misread if it were not quoted exactly.
  mirror = path.join(root, 'a "named" ${mirror}');
  const plugin = unpackedPluginPath(mirror, tls);
  fs.mkdirSync(path.dirname(plugin), { recursive: true });
  fs.symlinkSync(unpackedPluginPath(MIRROR_DIR, tls), plugin);
  const home = path.join(root, "home");
  const dirs = pluginSearchDirs(
    { FAILMAP_PROVIDER_MIRROR: mirror, XDG_DATA_DIRS: path.join(root, "none") },
    home,
  );
  config = path.join(root, "terraform.rc");
  fs.writeFileSync(config, renderCliConfig(mirrorSources(findPlugins(dirs, [tls, hcloud]))));
}, 10 * 60_000);

afterAll(() => {
  if (root) fs.rmSync(root, { recursive: true, force: true });
});

function init(name: string, plugins: typeof PROVIDER_PLUGINS) {
  const dir = path.join(root, name);
  fs.mkdirSync(dir);
  const required = Object.fromEntries(
    plugins.map((p) => [p.type, { source: `${p.namespace}/${p.type}`, version: p.version }]),
  );
  fs.writeFileSync(
    path.join(dir, "main.tf.json"),
    JSON.stringify({ terraform: { required_providers: required } }),
  );
  const env = {
    ...process.env,
    TF_CLI_CONFIG_FILE: config,
    HTTPS_PROXY: "http://127.0.0.1:9",
    HTTP_PROXY: "http://127.0.0.1:9",
    NO_PROXY: "",
  };
  const run = runTerraform(["init", "-input=false", "-no-color"], dir, env);
  return { ...run, output: `${run.stdout}${run.stderr}`, dir };
}

test("a plugin found on this machine is installed from its directory, with no network", () => {
  const run = init("found", [tls]);
  expect(run.status === 0 || run.output).toBe(true);
  expect(run.output).toContain(`Installed hashicorp/tls v${tls.version}`);
  // Terraform links a plugin from an unpacked mirror instead of copying it.
  const installed = path.join(
    run.dir,
    ".terraform",
    "providers",
    registryAddress(tls),
    tls.version,
    PLATFORM,
  );
  expect(fs.realpathSync(installed)).toBe(path.dirname(unpackedPluginPath(mirror, tls)));
}, 120_000);

test("a plugin found nowhere is asked of the registry", () => {
  const run = init("missing", [tls, hcloud]);
  expect(run.status).not.toBe(0);
  expect(run.output).toMatch(/could not connect to\s+registry\.terraform\.io/);
  expect(run.output).toMatch(/proxyconnect tcp:\s+dial tcp 127\.0\.0\.1:9/);
  expect(run.output).not.toMatch(/not found in any of the search locations/);
}, 120_000);
