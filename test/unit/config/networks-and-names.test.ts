import { stringify } from "yaml";
import { wholeFamilies } from "../../../config/cidr";
import { formatProblem, formatWarning, OrganisationConfigError } from "../../../config/errors";
import { loadFiles } from "../../../config/load";
import { exampleData } from "../../support/organisations";

/*
 * Issue 20: network lists judged by what they cover, not by how they are written; DNS names within DNS's
 * length limits, also those the stack makes from two fields.
 */

type Data = Record<string, any>;
const FILE = "organisations/faalkaart.yaml";

function load(edit: (d: Data) => void): { problems: string[]; warnings: string[] } {
  const data = exampleData() as Data;
  edit(data);
  try {
    const [loaded] = loadFiles([{ file: FILE, text: stringify(data, { lineWidth: 0 }) }]);
    return { problems: [], warnings: loaded.warnings.map(formatWarning) };
  } catch (error) {
    if (error instanceof OrganisationConfigError)
      return { problems: error.problems.map(formatProblem), warnings: [] };
    throw error;
  }
}

describe("networks by what they cover", () => {
  it.each([
    [["0.0.0.0/1", "128.0.0.0/1"], ["IPv4"]],
    [["0.0.0.0/1", "128.0.0.0/2", "192.0.0.0/2", "2001:db8::/32"], ["IPv4"]],
    [["0.0.0.0/1", "128.0.0.0/2"], []],
    [["::/1", "8000::/1", "192.0.2.0/24"], ["IPv6"]],
    [["0.0.0.0/0"], ["IPv4"]],
  ])("%j holds every address of %j", (networks, families) => {
    expect(wholeFamilies(networks)).toEqual(families);
  });

  it("warns that two /1s open SSH to the whole internet, as 0.0.0.0/0 does", () => {
    const { problems, warnings } = load(
      (d) => (d.sshAllowedNetworks = ["0.0.0.0/1", "128.0.0.0/1", "::/1", "8000::/1"]),
    );
    expect(problems).toEqual([]);
    expect(warnings).toEqual([
      expect.stringMatching(
        /^warning: organisations\/faalkaart\.yaml:\d+: sshAllowedNetworks: holds every IPv4 address between its networks, as 0\.0\.0\.0\/0 does: it opens SSH .* to the whole internet/,
      ),
      expect.stringMatching(
        /sshAllowedNetworks: holds every IPv6 address between its networks, as ::\/0 does/,
      ),
    ]);
  });

  it("warns once about 0.0.0.0/0 written as such", () => {
    const { warnings } = load((d) => (d.sshAllowedNetworks = ["0.0.0.0/0", "2001:db8::/32"]));
    expect(warnings).toEqual([expect.stringMatching(/sshAllowedNetworks\.0: 0\.0\.0\.0\/0 opens SSH/)]);
  });

  it("refuses a list from which no operator could reach SSH", () => {
    const { problems } = load((d) => (d.sshAllowedNetworks = ["127.0.0.1/32", "::1/128", "fe80::/64"]));
    expect(problems).toEqual([
      expect.stringMatching(
        /^organisations\/faalkaart\.yaml:\d+: sshAllowedNetworks: holds only networks no operator connects from: 127\.0\.0\.1\/32 \(loopback\), ::1\/128 \(loopback\), fe80::\/64 \(link-local\); .*locked out/,
      ),
    ]);
  });

  it("accepts loopback beside a network operators connect from", () => {
    expect(load((d) => d.sshAllowedNetworks.push("127.0.0.0/8")).problems).toEqual([]);
  });
});

describe("DNS names within DNS's limits", () => {
  const label = (c: string, n: number) => c.repeat(n);

  it("refuses a label longer than 63 characters, saying so", () => {
    const name = `${label("a", 64)}.faalkaart.nl`;
    expect(load((d) => (d.instances.staging.domain = name)).problems).toEqual([
      expect.stringMatching(
        /instances\.staging\.domain: has a label of 64 characters \('a{16}\.\.\.'\); a DNS label .* is at most 63/,
      ),
    ]);
  });

  it("refuses a name longer than 253 characters, saying so", () => {
    const name = `${[label("a", 63), label("b", 63), label("c", 63), label("d", 50)].join(".")}.faalkaart.nl`;
    expect(load((d) => (d.instances.staging.domain = name)).problems).toEqual([
      expect.stringMatching(/instances\.staging\.domain: is 255 characters long; a DNS name is at most 253/),
    ]);
  });

  it("refuses a worker host name the stack would make too long from the group and the server's name", () => {
    const fqdn = `${[label("a", 63), label("b", 63), label("c", 63), label("d", 40)].join(".")}.faalkaart.nl`;
    const { problems } = load((d) => (d.server.fqdn = fqdn));
    expect(problems).toEqual([
      expect.stringMatching(
        /remoteWorkers\.hosts\.scanners: names a server scanners-1\.a+\.b+\.c+\.d+\.faalkaart\.nl \(<group>-<n>\.<server\.fqdn>\), which is 256 characters long; a DNS name is at most 253 \(RFC 1035\): shorten/,
      ),
    ]);
  });
});
