import { Testing } from "cdktf";
import { hetznerNames } from "../../../config/hetzner-project-names";
import { OrganisationStack } from "../../../stacks/organisation-stack";
import { loadExample } from "../../support/organisations";
import { exampleSource, loadReport as load, type Data, type Source } from "./load-report";
import { keyLine } from "./ssh-key-fixtures";

/*
 * Issue 20: organisations whose stacks would share a Hetzner project. Names Hetzner keeps unique per project
 * (servers, primary IPs, firewalls, SSH keys) are refused when two files (or one) would make the same; an
 * operator key that two stacks upload is a warning, since only the HCLOUD_TOKEN of the run says whether the
 * two share a project.
 */

const ed25519 = (n: number) => keyLine("ssh-ed25519", Buffer.alloc(32, n));

/** A Hetzner organisation like faalkaart (a main server and a worker host group), under names of its own. */
function hetznerOrg(name: string, edit: (d: Data) => void = () => undefined): Source {
  const source = exampleSource((d) => {
    d.name = name;
    d.dnsZone = `${name}.nl`;
    d.server.fqdn = `srv.${name}.nl`;
    d.instances = { production: { domain: `${name}.nl`, admin: `admin.${name}.nl` } };
    d.remoteWorkers.hosts = {
      scanners: {
        count: 1,
        type: "cx23",
        location: "fsn1",
        roles: { production: [{ role: "v4_internet" }] },
      },
    };
    d.users = [{ name: "ops", sudo: true, keys: [ed25519(name.charCodeAt(0) + name.length)] }];
    edit(d);
  });
  return { ...source, file: `organisations/${name}.yaml` };
}

describe("Hetzner resource names across organisation files", () => {
  it("a firewall name two organisations both make (foo + group bar-main, foo-bar + group main) is refused", () => {
    const { problems } = load([
      hetznerOrg("foo", (d) => (d.remoteWorkers.hosts = { "bar-main": d.remoteWorkers.hosts.scanners })),
      hetznerOrg("foo-bar", (d) => (d.remoteWorkers.hosts = { main: d.remoteWorkers.hosts.scanners })),
    ]);
    expect(problems).toEqual([
      expect.stringMatching(
        /^organisations\/foo-bar\.yaml:\d+: remoteWorkers\.hosts\.main: makes a Hetzner firewall named 'foo-bar-main-1', as organisations\/foo\.yaml \(remoteWorkers\.hosts\.bar-main\) does; Hetzner names are unique in a project.*rename/,
      ),
    ]);
  });

  it("an SSH key name two organisations both make (foo + user bar-ops, foo-bar + user ops) is refused", () => {
    const { problems } = load([
      hetznerOrg("foo", (d) => (d.users[0].name = "bar-ops")),
      hetznerOrg("foo-bar"),
    ]);
    expect(problems).toEqual([
      expect.stringMatching(
        /^organisations\/foo-bar\.yaml:\d+: users\.0\.keys\.0: makes a Hetzner SSH key named 'foo-bar-ops', as organisations\/foo\.yaml \(users\.0\.keys\.0\) does/,
      ),
    ]);
  });

  it("a server named as another organisation's worker host (one server name, two primary IP names, one DNS record) is refused once", () => {
    const { problems } = load([
      hetznerOrg("foo"),
      hetznerOrg("bar", (d) => {
        d.server.fqdn = "scanners-1.srv.foo.nl";
        d.dnsZone = "foo.nl";
        d.instances = { production: { domain: "bar.foo.nl", admin: "admin.bar.foo.nl" } };
      }),
    ]);
    expect(problems).toEqual([
      expect.stringMatching(
        /^organisations\/bar\.yaml:\d+: server\.fqdn: 'scanners-1\.srv\.foo\.nl' is already claimed by organisations\/foo\.yaml \(remoteWorkers\.hosts\.scanners: its worker host scanners-1\)/,
      ),
    ]);
  });

  it("a site named as another organisation's worker host (its DNS record) is refused", () => {
    const { problems } = load([
      hetznerOrg("foo"),
      hetznerOrg("bar", (d) => {
        d.dnsZone = "foo.nl";
        d.server.fqdn = "bar.foo.nl";
        d.instances = { production: { domain: "scanners-1.srv.foo.nl", admin: "admin.bar.foo.nl" } };
      }),
    ]);
    expect(problems).toEqual([
      expect.stringMatching(
        /^organisations\/bar\.yaml:\d+: instances\.production\.domain: 'scanners-1\.srv\.foo\.nl' is already claimed by organisations\/foo\.yaml/,
      ),
    ]);
  });

  it("a site named as a worker host of its own file is refused", () => {
    const { problems } = load([
      hetznerOrg("foo", (d) => (d.instances.production.aliases = ["scanners-1.srv.foo.nl"])),
    ]);
    expect(problems).toEqual([
      expect.stringMatching(
        /^organisations\/foo\.yaml:\d+: remoteWorkers\.hosts\.scanners: 'scanners-1\.srv\.foo\.nl' \(its worker host scanners-1\) is already used by instances\.production\.aliases\.0/,
      ),
    ]);
  });

  it("a key name one file makes twice (user ops's second key, user ops-2) is refused", () => {
    const { problems } = load([
      hetznerOrg("foo", (d) => {
        d.users = [
          { name: "ops", sudo: true, keys: [ed25519(1), ed25519(2)] },
          { name: "ops-2", sudo: true, keys: [ed25519(3)] },
        ];
      }),
    ]);
    expect(problems).toEqual([
      expect.stringMatching(
        /^organisations\/foo\.yaml:\d+: users\.1\.keys\.0: makes a Hetzner SSH key named 'foo-ops-2', as organisations\/foo\.yaml \(users\.0\.keys\.1\) does/,
      ),
    ]);
  });

  it("organisations with names apart are accepted", () => {
    expect(load([hetznerOrg("foo"), hetznerOrg("bar")])).toEqual({ problems: [], warnings: [] });
  });
});

describe("one operator key in two organisations", () => {
  const shared = ed25519(7);

  it("uploaded by two Hetzner stacks is a warning naming both files, and how to keep it working", () => {
    const { problems, warnings } = load([
      hetznerOrg("foo", (d) => (d.users[0].keys = [shared])),
      hetznerOrg("bar", (d) => (d.users[0].keys = [shared])),
    ]);
    expect(problems).toEqual([]);
    expect(warnings).toEqual([
      expect.stringMatching(
        /^warning: organisations\/bar\.yaml:\d+: users\.0\.keys\.0: is also uploaded to Hetzner by organisations\/foo\.yaml \(users\.0\.keys\.0\); .*share a Hetzner project \(the same HCLOUD_TOKEN\), the second apply fails \(uniqueness_error\): keep them in separate projects/,
      ),
    ]);
  });

  it("is no warning when one of them uploads no keys (an existing server without worker hosts)", () => {
    const { warnings } = load([
      hetznerOrg("foo", (d) => (d.users[0].keys = [shared])),
      exampleSource((d) => (d.users[0].keys = [shared]), "failmap-uk"),
    ]);
    expect(warnings).toEqual([]);
  });

  it("listed twice in one file (two sudo users) is refused: one stack would upload it twice", () => {
    const { problems } = load([
      hetznerOrg("foo", (d) => {
        d.users = [
          { name: "ops", sudo: true, keys: [shared] },
          { name: "dev", sudo: true, keys: [shared] },
        ];
      }),
    ]);
    expect(problems).toEqual([
      expect.stringMatching(
        /^organisations\/foo\.yaml:\d+: users\.1\.keys\.0: is the key of users\.0\.keys\.0 too; Hetzner takes a key once per project/,
      ),
    ]);
  });
});

describe("the names the check derives", () => {
  it("are the names the synthesized stack gives its Hetzner resources", () => {
    const organisation = loadExample();
    const synth = JSON.parse(Testing.synth(new OrganisationStack(Testing.app(), { organisation })));
    const synthesized = ["hcloud_firewall", "hcloud_ssh_key"].flatMap((type) =>
      Object.values<{ name: string }>(synth.resource[type] ?? {}).map((r) => r.name),
    );
    expect(synthesized.length).toBeGreaterThan(3);
    expect(
      hetznerNames(organisation)
        .map((n) => n.name)
        .sort(),
    ).toEqual(synthesized.sort());
  });
});
