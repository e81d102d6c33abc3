import fs from "node:fs";
import path from "node:path";
import { parse } from "yaml";
import { loadFiles } from "../../../../config/load";
import { formatSwaps, rehearsalOrganisation, type LocalParts } from "../../../../rehearsal/rehearse/swaps";

const ORGANISATIONS = path.join(__dirname, "../../../../organisations");
const LOCAL: LocalParts = {
  registry: "10.250.0.1:5000",
  operatorKey:
    "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIAcJhg0d3qtoM9yDgzuYpFUvIU38TB76NH3BhBXyl5py rehearsal@failmap",
  operatorUser: "rehearsal",
  operatorNetworks: ["10.250.0.1/32", "fd00:fa11::1/128"],
  hostKey: "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIKM7HQoBA3eAb5Gsnst0610JW8tbg0eiqDTUUe0sVoS0 root@rehearsal",
  acme: { directory: "https://10.250.0.1:14000/dir", dnsServer: "10.250.0.1:53" },
};

function rehearse(file: string) {
  const text = fs.readFileSync(path.join(ORGANISATIONS, file), "utf8");
  const [{ organisation }] = loadFiles([{ file, text }]);
  const result = rehearsalOrganisation(text, organisation, LOCAL);
  return { before: parse(text), after: parse(result.text), result, text };
}

describe("the rehearsal's copy of an organisation file", () => {
  test("Hetzner with ACME: the registry, pebble and its DNS, the operator; nothing else changes", () => {
    const { before, after, result } = rehearse("faalkaart.yaml");
    expect(after.images).toEqual({ registryMirror: "10.250.0.1:5000" });
    expect(after.acme).toEqual({
      ...before.acme,
      directory: "https://10.250.0.1:14000/dir",
      dnsProvider: "exec",
      recursiveNameservers: ["10.250.0.1:53"],
      disableCompletePropagation: true,
    });
    expect(after.users).toEqual([
      ...before.users,
      { name: "rehearsal", sudo: true, keys: [LOCAL.operatorKey] },
    ]);
    expect(after.sshAllowedNetworks).toEqual([...before.sshAllowedNetworks, ...LOCAL.operatorNetworks]);
    const untouched = Object.keys(before).filter(
      (k) => !["images", "acme", "users", "sshAllowedNetworks"].includes(k),
    );
    for (const key of untouched) expect(after[key]).toEqual(before[key]);
    // The copy is still a valid organisation file, and every change is in the printed list.
    expect(() => loadFiles([{ file: "faalkaart.yaml", text: result.text }])).not.toThrow();
    expect(formatSwaps(result.swaps).join("\n")).toMatch(
      /acme\.directory: "production" -> "https:\/\/10\.250\.0\.1:14000\/dir"/,
    );
  });

  test("an existing server gets the rehearsal machine's host key; self-signed certificates stay self-signed", () => {
    const { before, after, result, text } = rehearse("failmap-uk.yaml");
    expect(after.server).toEqual({ ...before.server, hostKey: LOCAL.hostKey });
    expect(after.acme).toEqual(before.acme);
    expect(formatSwaps(result.swaps)).toContainEqual(
      expect.stringContaining(`server.hostKey: "${before.server.hostKey}" -> "${LOCAL.hostKey}"`),
    );
    // The file's comments stay where they were.
    expect(result.text).toContain("# office IPv6");
    expect(text.split("\n")[0]).toBe(result.text.split("\n")[0]);
  });
});
