import { loadFiles } from "../../../../config/load";
import { rehearsalNames, renderHostsFile } from "../../../../rehearsal/rehearse/names";
import type { Zone } from "../../../../rehearsal/hcloud-api/state/zones";

const organisation = (yaml: string) =>
  loadFiles([{ file: `${/^name: (\S+)/.exec(yaml)?.[1]}.yaml`, text: yaml }])[0].organisation;
const COMMON = `
users: [{name: tester, sudo: true, keys: ["ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIImN/r5l6haFiGmm181HYy2YdG8BycfehwkSuVzopHBE t@l"]}]
sshAllowedNetworks: [198.51.100.0/24]
instances: {main: {domain: example.test, aliases: [www.example.test], admin: admin.example.test}}
acme: {email: ops@example.test, mode: self-signed}
`;

const zone = (rrsets: Zone["rrsets"]): Zone => ({
  id: 1,
  name: "example.test",
  created: "",
  ttl: 3600,
  mode: "primary",
  labels: {},
  protection: { delete: false },
  rrsets,
});
const rrset = (name: string, type: string, values: string[]) => ({
  name,
  type,
  ttl: null,
  labels: {},
  protection: { change: false },
  records: values.map((value) => ({ value })),
});

describe("the names a rehearsal resolves", () => {
  test("Hetzner: the zone's A/AAAA records and each server by name; other records are not names", () => {
    const org = organisation(
      `name: hz\nserver: {provider: hetzner, fqdn: main.example.test}\ndnsZone: example.test\n${COMMON}`,
    );
    const names = rehearsalNames(
      org,
      [{ name: "main.example.test", ipv4: "10.250.0.2", ipv6: "fd00:fa11:0:1::1" }],
      [
        zone({
          "@/A": rrset("@", "A", ["10.250.0.2"]),
          "www/AAAA": rrset("www", "AAAA", ["fd00:fa11:0:1::1"]),
          "@/TXT": rrset("@", "TXT", ['"v=spf1"']),
        }),
      ],
    );
    expect(Object.fromEntries(names)).toEqual({
      "example.test": { ipv4: ["10.250.0.2"], ipv6: [] },
      "main.example.test": { ipv4: ["10.250.0.2"], ipv6: ["fd00:fa11:0:1::1"] },
      "www.example.test": { ipv4: [], ipv6: ["fd00:fa11:0:1::1"] },
      // No record yet: the main server's address, as an operator would have set it up.
      "admin.example.test": { ipv4: ["10.250.0.2"], ipv6: ["fd00:fa11:0:1::1"] },
    });
  });

  test("an existing server: every name of the file at its address, written as hosts file lines", () => {
    const org = organisation(
      `name: ex\nserver: {provider: existing, fqdn: host.example.test, address: 10.252.0.10, hostKey: "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAINaXaVtw8jFt7GoV3ZKXWaU0BgSNPwLhRFaREv+i5QA4 r@h"}\n${COMMON}`,
    );
    const hosts = renderHostsFile("127.0.0.1 localhost\n", rehearsalNames(org, [], []));
    expect(hosts).toBe(
      [
        "127.0.0.1 localhost",
        "# failmap rehearsal",
        "10.252.0.10 admin.example.test",
        "10.252.0.10 example.test",
        "10.252.0.10 host.example.test",
        "10.252.0.10 www.example.test",
        "",
      ].join("\n"),
    );
  });
});
