import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { PROVIDER_PLUGINS } from "../../../ops/providers/catalogue";
import { describeMissing, findPlugins, mirrorSources } from "../../../ops/providers/installation";
import { PLATFORM, pluginSearchDirs, type PluginDir } from "../../../ops/providers/plugin-dirs";

const plugin = (type: string) => PROVIDER_PLUGINS.find((p) => p.type === type)!;
let tmp: string;

beforeEach(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), "failmap-plugin-dirs-"));
});
afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** Puts a file where an unpacked mirror keeps the plugin, at `version`. */
function installUnpacked(dir: string, type: string, version = plugin(type).version, mode = 0o755): void {
  const p = plugin(type);
  const platformDir = path.join(dir, "registry.terraform.io", p.namespace, p.type, version, PLATFORM);
  fs.mkdirSync(platformDir, { recursive: true });
  fs.writeFileSync(path.join(platformDir, `terraform-provider-${p.type}_v${version}`), "#!/bin/sh\n", {
    mode,
  });
}

const dir = (name: string, source = "implied"): PluginDir => ({ path: path.join(tmp, name), source });

describe("where plugins are looked for", () => {
  it("are Terraform's implied local mirror directories on Linux, in Terraform's order", () => {
    expect(pluginSearchDirs({}, "/home/op").map((d) => d.path)).toEqual([
      "/home/op/.terraform.d/plugins",
      "/home/op/.local/share/terraform/plugins",
      "/usr/local/share/terraform/plugins",
      "/usr/share/terraform/plugins",
    ]);
  });

  it("follow XDG_DATA_HOME and XDG_DATA_DIRS, leaving out relative entries as Terraform does", () => {
    const env = { XDG_DATA_HOME: "/data", XDG_DATA_DIRS: "/opt/a:relative/b:/opt/c" };
    expect(pluginSearchDirs(env, "/home/op").map((d) => d.path)).toEqual([
      "/home/op/.terraform.d/plugins",
      "/data/terraform/plugins",
      "/opt/a/terraform/plugins",
      "/opt/c/terraform/plugins",
    ]);
  });

  it("start with the mirror FAILMAP_PROVIDER_MIRROR names", () => {
    const [first] = pluginSearchDirs({ FAILMAP_PROVIDER_MIRROR: tmp }, "/home/op");
    expect(first).toEqual({ path: tmp, source: "FAILMAP_PROVIDER_MIRROR" });
  });

  it("refuse a FAILMAP_PROVIDER_MIRROR that is no directory, saying what it should be", () => {
    expect(() => pluginSearchDirs({ FAILMAP_PROVIDER_MIRROR: path.join(tmp, "nope") })).toThrow(
      /^FAILMAP_PROVIDER_MIRROR=.*nope: no such directory\. Set it to an unpacked Terraform filesystem mirror \(<dir>\/registry\.terraform\.io\/<namespace>\/<type>\/<version>\/.*\), or unset it\.$/,
    );
  });
});

describe("finding the plugins", () => {
  it("takes each from the first directory that holds its pinned version, unpacked or packed", () => {
    installUnpacked(dir("first").path, "hcloud");
    installUnpacked(dir("second").path, "hcloud");
    installUnpacked(dir("second").path, "null");
    const acme = plugin("acme");
    const packed = path.join(dir("second").path, "registry.terraform.io", acme.namespace, acme.type);
    fs.mkdirSync(packed, { recursive: true });
    fs.writeFileSync(path.join(packed, `terraform-provider-acme_${acme.version}_${PLATFORM}.zip`), "");

    const search = findPlugins([dir("first"), dir("second")]);
    expect(mirrorSources(search).map((s) => [s.dir, s.plugins.map((p) => p.type)])).toEqual([
      [dir("first").path, ["hcloud"]],
      [dir("second").path, ["acme", "null"]],
    ]);
    expect(search.missing.map((p) => p.type)).toEqual(["docker", "random", "tls"]);
  });

  it("does not take another version, or a file that is not executable", () => {
    installUnpacked(dir("m").path, "docker", "3.6.1");
    installUnpacked(dir("m").path, "null", undefined, 0o644);
    expect(findPlugins([dir("m")]).found).toEqual([]);
  });

  it("says in one line which are missing and every directory they were looked for in", () => {
    installUnpacked(dir("m").path, "tls");
    const search = findPlugins([dir("m", "npm run providers"), dir("named", "FAILMAP_PROVIDER_MIRROR")]);
    const line = describeMissing(search, { FAILMAP_PROVIDER_MIRROR: dir("named").path });
    expect(line).toBe(
      "provider plugins not found: hetznercloud/hcloud 1.64.0, vancluever/acme 2.48.1, kreuzwerker/docker 3.6.2, " +
        `hashicorp/null 3.2.4, hashicorp/random 3.7.2; looked in ${dir("m").path}, ` +
        `${dir("named").path} (FAILMAP_PROVIDER_MIRROR); Terraform asks registry.terraform.io for them`,
    );
    expect(describeMissing(findPlugins([dir("m")]), {})).toContain("(FAILMAP_PROVIDER_MIRROR is not set)");
  });

  it("says nothing when all six are there", () => {
    for (const p of PROVIDER_PLUGINS) installUnpacked(dir("m").path, p.type);
    expect(describeMissing(findPlugins([dir("m")]))).toBeUndefined();
  });
});
