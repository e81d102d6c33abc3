import { stringify } from "yaml";
import { formatProblem, OrganisationConfigError } from "../../../config/errors";
import { loadFiles } from "../../../config/load";
import { exampleData, exampleText } from "../../support/organisations";

type Data = Record<string, any>;
const FILE = "organisations/faalkaart.yaml";

function edited(edit: (d: Data) => void): string {
  const data = exampleData();
  edit(data);
  return stringify(data);
}

function problemsFor(sources: { file: string; text: string }[]): string[] {
  try {
    loadFiles(sources);
  } catch (error) {
    if (error instanceof OrganisationConfigError) return error.problems.map(formatProblem);
    throw error;
  }
  throw new Error("expected the organisation files to be rejected");
}

const single = (text: string) => [{ file: FILE, text }];
const second = (edit: (d: Data) => void) => {
  const uk = exampleData("failmap-uk");
  edit(uk);
  return { file: "organisations/failmap-uk.yaml", text: stringify(uk) };
};

// Each row: a kind of bad input, and what the error must say (file and field path included).
const cases: [string, { file: string; text: string }[], RegExp][] = [
  [
    "an unknown key",
    single(edited((d) => (d.sever = d.server))),
    /faalkaart\.yaml:\d+: sever: is not a known setting/,
  ],
  [
    "an unknown nested key",
    single(edited((d) => (d.instances.production.domian = "x.nl"))),
    /instances\.production\.domian: is not a known setting/,
  ],
  [
    "a malformed domain",
    single(edited((d) => (d.instances.production.domain = "faalkaart..nl"))),
    /instances\.production\.domain: is not a valid lower-case domain name/,
  ],
  [
    "two organisations with one name (faalkaart.yaml and faalkaart.yml)",
    [
      { file: FILE, text: exampleText() },
      { file: "organisations/faalkaart.yml", text: exampleText() },
    ],
    /faalkaart\.yml: name: 'faalkaart' is also the name in organisations\/faalkaart\.yaml/,
  ],
  [
    "one domain claimed by two instances",
    single(edited((d) => (d.instances.staging.domain = "faalkaart.nl"))),
    /instances\.staging\.domain: 'faalkaart\.nl' is already used by instances\.production\.domain/,
  ],
  [
    "one domain claimed by two organisations",
    [
      { file: FILE, text: exampleText() },
      second((d) => (d.instances.production.aliases = ["www.faalkaart.nl"])),
    ],
    /failmap-uk\.yaml: instances\.production\.aliases\.0: 'www\.faalkaart\.nl' is already claimed by organisations\/faalkaart\.yaml/,
  ],
  [
    "an invalid CIDR",
    single(edited((d) => (d.sshAllowedNetworks = ["192.0.2.0/33"]))),
    /sshAllowedNetworks\.0: is not a valid CIDR network/,
  ],
  [
    "a malformed SSH public key",
    single(edited((d) => (d.users[0].keys = ["ssh-ed25519 not base64!"]))),
    /users\.0\.keys\.0: is not an OpenSSH public key/,
  ],
  [
    "no sudo user",
    single(edited((d) => d.users.forEach((u: Data) => (u.sudo = false)))),
    /users: needs at least one user with sudo: true/,
  ],
  [
    "an unknown instance reference",
    single(edited((d) => (d.remoteWorkers.hosts.scanners.roles = { acceptance: [{ role: "v4_internet" }] }))),
    /remoteWorkers\.hosts\.scanners\.roles\.acceptance: names instance 'acceptance', which is not in instances/,
  ],
  ["an empty file", single(""), /faalkaart\.yaml: is empty or not a mapping/],
  [
    "a YAML syntax error, with its line",
    single("name: faalkaart\nserver:\n  fqdn: [unclosed\n"),
    /faalkaart\.yaml:\d+: YAML syntax error: Flow sequence/,
  ],
  ["a missing required field", single(edited((d) => delete d.acme)), /acme: is required/],
  [
    "an unknown worker role",
    single(edited((d) => (d.instances.production.workers = [{ role: "scanner" }]))),
    /instances\.production\.workers\.0\.role: is not a worker role; use one of: default/,
  ],
  ["a wrong type", single(edited((d) => (d.server.backups = "yes"))), /server\.backups: .*expected boolean/i],
  [
    "a file name that differs from the organisation name",
    single(edited((d) => (d.name = "faalkaart-nl"))),
    /name: is 'faalkaart-nl' but the file is faalkaart\.yaml/,
  ],
  [
    "a server with an unknown provider",
    single(edited((d) => (d.server.provider = "aws"))),
    /server\.provider: needs provider: hetzner .* or existing/,
  ],
  [
    "a user listed twice",
    single(edited((d) => d.users.push({ ...d.users[0] }))),
    /users\.2\.name: 'johan' is listed twice/,
  ],
  ["no instances", single(edited((d) => (d.instances = {}))), /instances: needs at least one instance/],
  [
    "an invalid reboot window",
    single(edited((d) => (d.system.rebootWindow = "25:00"))),
    /system\.rebootWindow: must be HH:MM/,
  ],
  [
    "a worker host given a role that needs the database",
    single(edited((d) => d.remoteWorkers.hosts.scanners.roles.production.push({ role: "storage" }))),
    /remoteWorkers\.hosts\.scanners\.roles\.production\.2\.role: 'storage' needs the database.*scanner role \(v4_internet/,
  ],
  [
    "a worker role listed twice",
    single(edited((d) => d.instances.staging.workers.push({ role: "default" }))),
    /instances\.staging\.workers\.2\.role: 'default' is listed twice; raise its replicas/,
  ],
  [
    "two holders of one client certificate name",
    single(edited((d) => (d.remoteWorkers.clients = ["johan"]))),
    /remoteWorkers\.clients\.0: 'johan' would get the client certificate of users\.0\.name too/,
  ],
  [
    "a reserved user name",
    single(edited((d) => (d.users[1].name = "deploy"))),
    /users\.1\.name: is reserved/,
  ],
  [
    "a shell path with a space",
    single(edited((d) => (d.users[0].shell = "/bin/my shell"))),
    /users\.0\.shell: must be an absolute path to a shell/,
  ],
  [
    "more instances than a host has port blocks for",
    single(
      edited((d) => {
        for (let i = 0; i < 20; i++)
          d.instances[`extra-${i}`] = { domain: `e${i}.faalkaart.nl`, admin: `a${i}.faalkaart.nl` };
      }),
    ),
    /instances: holds more than 20 instances/,
  ],
];

describe("bad organisation files are rejected with the file and field named", () => {
  it.each(cases)("%s", (_kind, sources, expected) => {
    const problems = problemsFor(sources);
    expect(problems.join("\n")).toMatch(expected);
  });

  it("reports YAML syntax errors with their line number", () => {
    try {
      loadFiles(single("name: faalkaart\nserver:\n  fqdn: [unclosed\n"));
      throw new Error("expected a syntax error");
    } catch (error) {
      expect(error).toBeInstanceOf(OrganisationConfigError);
      const [problem] = (error as OrganisationConfigError).problems;
      expect(problem.line).toBeGreaterThanOrEqual(3);
      expect((error as Error).message).toMatch(/organisations\/faalkaart\.yaml:\d+: YAML syntax error/);
    }
  });

  it("points a schema error at the line of the offending field", () => {
    const text = exampleText().replace("domain: staging.faalkaart.nl", "domain: Staging..nl");
    const line = text.split("\n").findIndex((l) => l.includes("Staging..nl")) + 1;
    const error = (() => {
      try {
        loadFiles(single(text));
      } catch (e) {
        return e as OrganisationConfigError;
      }
      throw new Error("expected a rejection");
    })();
    expect(error.problems[0]).toMatchObject({ path: "instances.staging.domain", line });
  });

  it("collects problems from every file, so one run shows them all", () => {
    const problems = problemsFor([
      { file: FILE, text: edited((d) => (d.sshAllowedNetworks = ["nope"])) },
      second((d) => (d.acme.email = "not-an-address")),
    ]);
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/faalkaart\.yaml:\d+: sshAllowedNetworks\.0/),
        expect.stringMatching(/failmap-uk\.yaml:\d+: acme\.email: is not an e-mail address/),
      ]),
    );
  });

  it("accepts the shipped examples", () => {
    const loaded = loadFiles([
      { file: FILE, text: exampleText() },
      { file: "organisations/failmap-uk.yaml", text: exampleText("failmap-uk") },
    ]);
    expect(loaded.map((l) => l.organisation.name)).toEqual(["faalkaart", "failmap-uk"]);
  });
});
