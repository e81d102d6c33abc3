import { Testing, TerraformStack } from "cdktf";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { loadFiles } from "../../../config/load";
import { resolveOrganisation } from "../../../config/model/organisation-model";
import type { Organisation } from "../../../config/schema";
import { HostBootstrap, type HostBootstrapProps } from "../../../constructs/bootstrap/host-bootstrap";
import { InstanceDatabase } from "../../../constructs/bootstrap/instance-database";
import { repositoryRoot } from "../../../constructs/bootstrap/script-files";
import { ExistingHost } from "../../../constructs/host/existing-host";

const ROOT = repositoryRoot();
const HOST_KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIAYLB61MYixZi/K9yIcLjjgUW+4vvH4bazPVx1Pgau3o host";

function organisation(change: (yaml: string) => string = (y) => y): Organisation {
  const file = path.join(ROOT, "organisations/faalkaart.yaml");
  return loadFiles([{ file, text: change(fs.readFileSync(file, "utf8")) }])[0].organisation;
}

interface Synthed {
  json: string;
  resources: Record<string, { triggers: Record<string, string>; provisioner: unknown[] }>;
}

function synth(
  props: Partial<Omit<HostBootstrapProps, "host" | "databases">> = {},
  options: { hostKey?: string; withDatabases?: boolean } = {},
): Synthed {
  const app = Testing.app();
  const stack = new TerraformStack(app, "t");
  const org = props.organisation ?? resolveOrganisation(organisation());
  const host = new ExistingHost(stack, "main", {
    fqdn: "faalserver.faalkaart.nl",
    address: "192.0.2.10",
    hostPublicKey: options.hostKey ?? HOST_KEY,
  });
  const databases =
    options.withDatabases === false
      ? []
      : org.instances.map(({ name }) => new InstanceDatabase(stack, `db-${name}`, { instance: name }));
  new HostBootstrap(stack, "bootstrap", { host, organisation: org, role: "main", databases, ...props });
  // Added after the bootstrap, as the webserver does: the firewall must still see it.
  host.allowInbound({ description: "HTTPS", protocol: "tcp", port: 443, sources: ["0.0.0.0/0", "::/0"] });
  const json = Testing.synth(stack);
  return { json, resources: JSON.parse(json).resource.null_resource };
}

const bundle = (s: Synthed) => s.resources[Object.keys(s.resources).find((k) => k.startsWith("bootstrap"))!];
/** What a file provisioner uploads to `<bundle>/<relative>`, found by the install line that places it. */
function uploaded(s: Synthed, relative: string): string {
  const provisioners = bundle(s).provisioner as {
    "remote-exec"?: { inline: string[] };
    file?: { content: string };
  }[];
  const installs = provisioners
    .flatMap((p) => p["remote-exec"]?.inline ?? [])
    .filter((l) => l.includes("install -D"));
  const index = installs.findIndex((line) => line.endsWith(`/usr/local/lib/failmap/bootstrap/${relative}`));
  if (index < 0) throw new Error(`${relative} is not in the bundle`);
  return provisioners.filter((p) => p.file)[index].file!.content;
}

describe("HostBootstrap", () => {
  const baseline = synth();

  test("runs the bundle's run.sh with sudo after the upload", () => {
    expect(bundle(baseline).triggers.then).toBe("bash /usr/local/lib/failmap/bootstrap/run.sh");
    expect(JSON.stringify(bundle(baseline).provisioner)).toContain(
      "sudo sh -c 'bash /usr/local/lib/failmap/bootstrap/run.sh'",
    );
  });

  test("the same configuration gives the same triggers", () => {
    expect(bundle(synth()).triggers).toEqual(bundle(baseline).triggers);
  });

  test("a changed configuration value re-runs the bootstrap", () => {
    const changed = synth({
      organisation: resolveOrganisation(organisation((y) => y.replace("swapMb: 2048", "swapMb: 4096"))),
    });
    expect(bundle(changed).triggers.content).not.toEqual(bundle(baseline).triggers.content);
    expect(uploaded(changed, "config/bootstrap.env")).toContain("FAILMAP_SWAP_MB='4096'");
  });

  test("a changed script re-runs the bootstrap", () => {
    // Two copies of the project's scripts, the second with one line added: a process reads a folder once.
    const copies = [0, 1].map(() => fs.mkdtempSync(path.join(os.tmpdir(), "failmap-scripts-")));
    try {
      for (const copy of copies) {
        fs.cpSync(path.join(ROOT, "scripts"), path.join(copy, "scripts"), { recursive: true });
      }
      fs.appendFileSync(path.join(copies[1], "scripts/bootstrap/base.sh"), "# a change\n");
      expect(bundle(synth({ projectRoot: copies[0] })).triggers).toEqual(bundle(baseline).triggers);
      expect(bundle(synth({ projectRoot: copies[1] })).triggers.content).not.toEqual(
        bundle(baseline).triggers.content,
      );
    } finally {
      for (const copy of copies) fs.rmSync(copy, { recursive: true, force: true });
    }
  });

  test("a new machine re-runs the bootstrap", () => {
    const other = synth({}, { hostKey: HOST_KEY.replace("AAAAIAYLB", "AAAAIBYLB") });
    expect(bundle(other).triggers.machine).not.toEqual(bundle(baseline).triggers.machine);
  });

  test("scripts reach the host as written: Terraform's template syntax in them is escaped", () => {
    for (const name of ["base.sh", "lib.sh", "users.sh"]) {
      const synthesized = uploaded(baseline, name);
      // Unescaped, "${...}" and "%{...}" would be read by Terraform as interpolation and directives.
      expect(synthesized).not.toMatch(/(?<!\$)\$\{|(?<!%)%\{/);
      const unescaped = synthesized.replace(/\$\$\{/g, "${").replace(/%%\{/g, "%{");
      expect(unescaped).toBe(fs.readFileSync(path.join(ROOT, "scripts/bootstrap", name), "utf8"));
    }
  });

  test("no password is in the synthesized stack, only references to random_password", () => {
    const sql = uploaded(baseline, "config/databases.sql");
    const identified = [...sql.matchAll(/IDENTIFIED BY '([^']*)'/g)].map((m) => m[1]);
    expect(identified).toHaveLength(6);
    for (const password of identified) expect(password).toMatch(/^\$\{random_password\.[\w-]+\.result\}$/);
    expect(Object.keys(JSON.parse(baseline.json).resource.random_password)).toHaveLength(6);
    expect(uploaded(baseline, "config/bootstrap.env")).not.toContain("random_password");
  });

  test("the SQL is installed readable by root only", () => {
    expect(JSON.stringify(bundle(baseline).provisioner)).toMatch(
      /install -D -m 0600 -o root -g root \S+ \/usr\/local\/lib\/failmap\/bootstrap\/config\/databases\.sql/,
    );
  });

  test("the firewall sees rules added after the bootstrap, and SSH only from the allowed networks", () => {
    const rules = uploaded(baseline, "config/nftables.nft");
    expect(rules).toContain('tcp dport 443 accept comment "HTTPS"');
    expect(rules).toContain("ip saddr 192.0.2.0/24 tcp dport 22 accept");
    expect(rules).toContain("ip6 saddr 2001:db8:1234::/48 tcp dport 22 accept");
  });

  test("the main host gets the admin tools and the name of each instance's database", () => {
    expect(uploaded(baseline, "host/failmap-deploy")).toContain("failmap-rollback");
    expect(uploaded(baseline, "config/databases/staging.env")).toContain(
      "FAILMAP_DATABASE='failmap_staging'",
    );
    expect(uploaded(baseline, "config/bootstrap.env")).toContain(
      "FAILMAP_NODE_EXPORTER_LISTEN='127.0.0.1:9100'",
    );
  });

  test("a worker host gets neither databases nor admin tools, and exports node metrics to the network", () => {
    const worker = synth({ role: "worker" }, { withDatabases: false });
    expect(() => uploaded(worker, "config/databases.sql")).toThrow(/not in the bundle/);
    expect(() => uploaded(worker, "host/failmap")).toThrow(/not in the bundle/);
    expect(uploaded(worker, "config/bootstrap.env")).toContain("FAILMAP_NODE_EXPORTER_LISTEN='0.0.0.0:9100'");
  });

  test("databases on a worker host are refused with a hint", () => {
    expect(() => synth({ role: "worker" })).toThrow(/databases live on the main host/);
  });
});

describe("InstanceDatabase", () => {
  test("names the database and accounts after the instance", () => {
    const stack = new TerraformStack(Testing.app(), "t");
    const db = new InstanceDatabase(stack, "db", { instance: "staging-2" });
    expect(db.database).toBe("failmap_staging_2");
    expect([db.full.name, db.readWrite.name, db.readOnly.name]).toEqual([
      "staging_2_full",
      "staging_2_rw",
      "staging_2_ro",
    ]);
    const passwords = JSON.parse(Testing.synth(stack)).resource.random_password;
    for (const password of Object.values(passwords) as { length: number; special: boolean }[]) {
      expect(password).toMatchObject({ length: 32, special: false });
    }
  });

  test("refuses a name that is not an instance name", () => {
    const stack = new TerraformStack(Testing.app(), "t");
    expect(() => new InstanceDatabase(stack, "db", { instance: "Prod" })).toThrow(/not an instance name/);
  });
});
