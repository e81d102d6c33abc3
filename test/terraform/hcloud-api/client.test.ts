import { createHcloudApi, type HcloudApi } from "../../../rehearsal/hcloud-api/api";
import type { MachineBackend, ServerMachineSpec } from "../../../rehearsal/hcloud-api/machines";
import { requireGo, runGoClient } from "./go-client";

// hcloud-go 2.41.2, the client library inside the hcloud provider 1.64.0, against the local Hetzner API: the
// calls the provider makes for the stacks' resources (ssh keys, firewall, primary IPs, server, zone RRSets),
// their updates, the refusals that stop a Terraform run, and a destroy. The Go program (./client) reports what
// the API answered; this file holds what it must answer. The provider itself cannot be run here: see
// rehearsal/hcloud-api/README.md, "How it is proven".
// `go run` on a 2-core machine shared with other builds (load average 7): cold, with empty GOCACHE and
// GOMODCACHE (modules from the Go module proxy, then compiled), the test took 62 s; warm, 1.1 s.
jest.setTimeout(300_000);

const JOHAN =
  "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIM1GYc13ky9KgWSs3LK/XOZn3TaQrEwqPZm55yCIBtCB johan@laptop\n";
const INGRID =
  "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIM5EC9HB4C+4LxRNbj0dcTiM7vLn2P6pkfc/BxqX+srY ingrid@laptop\n";
const USER_DATA = "#cloud-config\nhostname: faalserver\n";

const INPUTS = {
  organisation: "example",
  zone: "example.org",
  serverName: "faalserver.example.org",
  userData: USER_DATA,
  sshKeys: [
    { name: "example-johan", publicKey: JOHAN },
    { name: "example-ingrid", publicKey: INGRID },
  ],
  duplicateKeyName: "example-johan-again",
};

/** Machines that take a moment to boot and to remove, as real ones do, so that the client has to wait. */
class RecordingMachines implements MachineBackend {
  readonly created: ServerMachineSpec[] = [];
  readonly removed: number[] = [];
  async create(spec: ServerMachineSpec): Promise<void> {
    await pause(300);
    this.created.push(spec);
  }
  async powerOff(): Promise<void> {}
  async powerOn(): Promise<void> {}
  async remove(id: number): Promise<void> {
    await pause(300);
    this.removed.push(id);
  }
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

let api: HcloudApi;
let machines: RecordingMachines;

beforeAll(requireGo);

beforeEach(async () => {
  machines = new RecordingMachines();
  api = createHcloudApi({ machines, seed: { zones: [{ name: "example.org" }] } });
  await new Promise<void>((resolve) => api.server.listen(0, "127.0.0.1", resolve));
});

afterEach(async () => {
  if (!api) return; // beforeEach did not run: Go is missing
  api.server.closeAllConnections();
  await new Promise((resolve) => api.server.close(resolve));
});

test("the provider's client creates, changes, is refused and destroys as on Hetzner, leaving nothing behind", async () => {
  const run = await runGoClient(api.endpoint(), api.token, INPUTS);

  const step = (name: string) => run.steps.find((s) => s.step === name);
  const ipv4 = step("create primary ips")?.primaryIPs[0].address;
  const ipv6Network = step("create primary ips")?.primaryIPs[1].address;
  const ipv6 = String(ipv6Network).replace(/\/64$/, "1");
  const primaryIp = (type: string, address: string, assignee: string | null, deleteProtection = true) => ({
    name: `faalserver.example.org-${type}`,
    type,
    address,
    location: "nbg1",
    autoDelete: false,
    deleteProtection,
    assignee,
    labels: { organisation: "example" },
  });
  const firewall = (httpsPort: string, appliedTo: string[]) => ({
    name: "example-main",
    labels: { organisation: "example", "managed-by": "cdktf" },
    rules: [
      {
        direction: "in",
        protocol: "tcp",
        port: "22",
        sourceIPs: ["192.0.2.0/24", "2001:db8::/32"],
        description: null,
      },
      {
        direction: "in",
        protocol: "tcp",
        port: httpsPort,
        sourceIPs: ["0.0.0.0/0", "::/0"],
        description: "https",
      },
    ],
    appliedTo,
  });
  const rrset = (type: string, value: string, comment: string, changeProtection: boolean) => ({
    id: `faalserver/${type}`,
    name: "faalserver",
    type,
    ttl: 300,
    records: [{ value, comment }],
    changeProtection,
  });
  const server = "server faalserver.example.org";
  const protectedAnswer = (message: string) => ({ code: "protected", message });

  expect(ipv4).toMatch(/^10\.250\.\d+\.\d+$/);
  expect(ipv6Network).toMatch(/^fd00:fa11:0:[0-9a-f]+::\/64$/);
  // Go's own output (modules downloaded on a first run) is on stderr; shown here when the client failed.
  expect({ status: run.status, stderr: run.stderr }).toMatchObject({ status: 0 });
  expect(run.steps).toEqual([
    {
      step: "catalogue",
      location: { name: "nbg1", networkZone: "eu-central" },
      serverType: {
        name: "cx23",
        architecture: "x86",
        cores: 2,
        disk: 40,
        locations: ["fsn1", "nbg1", "hel1"],
      },
      image: { name: "debian-12", type: "system", architecture: "x86" },
      retiredServerType: false,
    },
    {
      step: "create ssh keys",
      // The fingerprints as `ssh-keygen -l -E md5` prints them.
      sshKeys: [
        {
          name: "example-johan",
          fingerprint: "c7:4f:10:a8:7f:d3:80:84:42:90:3c:3e:ff:db:9d:dc",
          publicKey: JOHAN,
          labels: { organisation: "example" },
        },
        {
          name: "example-ingrid",
          fingerprint: "78:a4:74:ee:fc:37:f0:05:6c:e6:1c:2c:23:82:d8:ed",
          publicKey: INGRID,
          labels: { organisation: "example" },
        },
      ],
    },
    {
      step: "upload a public key twice",
      answer: { code: "uniqueness_error", message: "SSH key not unique" },
    },
    { step: "create firewall", ...firewall("443", []) },
    {
      step: "create primary ips",
      primaryIPs: [primaryIp("ipv4", ipv4, null), primaryIp("ipv6", ipv6Network, null)],
    },
    {
      step: "create server",
      // Still running when created: the client polled it until the machine had booted.
      createAction: "running",
      name: "faalserver.example.org",
      status: "running",
      serverType: "cx23",
      location: "nbg1",
      image: "debian-12",
      labels: { organisation: "example", role: "main" },
      ipv4,
      ipv6,
      ipv6Network,
      primaryIPs: ["faalserver.example.org-ipv4", "faalserver.example.org-ipv6"],
      firewalls: ["example-main applied"],
      backups: true,
      deleteProtection: true,
      rebuildProtection: true,
      primaryDiskSize: 40,
    },
    {
      step: "primary ips assigned",
      primaryIPs: [primaryIp("ipv4", ipv4, server), primaryIp("ipv6", ipv6Network, server)],
    },
    {
      step: "create dns records",
      zone: "example.org",
      rrsets: [rrset("A", ipv4, "failmap main", true), rrset("AAAA", ipv6, "", false)],
    },
    {
      step: "list by label",
      servers: {
        "organisation=example,role=main": ["faalserver.example.org"],
        "role in (main,mail)": ["faalserver.example.org"],
        "organisation=example,role=mail": [],
        "!role": [],
        "organisation!=example": [],
      },
      sshKeys: ["example-ingrid", "example-johan"],
      firewalls: ["example-main"],
      primaryIPs: ["faalserver.example.org-ipv4", "faalserver.example.org-ipv6"],
      serverByName: true,
    },
    { step: "change firewall rules", ...firewall("8443", ["faalserver.example.org"]) },
    {
      step: "change dns records",
      answers: [protectedAnswer("RRSet faalserver/A is change protected"), "accepted"],
      rrsets: [rrset("A", ipv4, "failmap main", true), rrset("AAAA", ipv6, "changed", false)],
    },
    { step: "change server type keeping the disk", serverType: "cx33", primaryDiskSize: 40 },
    {
      step: "protected deletes refused",
      server: protectedAnswer("server deletion is protected"),
      primaryIP: protectedAnswer("primary IP deletion is protected"),
      rrset: protectedAnswer("RRSet faalserver/A is change protected"),
      serverKept: true,
    },
    {
      step: "firewall in use refused",
      answer: {
        code: "resource_in_use",
        message: expect.stringMatching(/^firewall with ID \d+ is still in use$/),
      },
    },
    {
      step: "lift protection",
      server: { delete: false, rebuild: false },
      primaryIPs: [false, false],
      rrset: false,
    },
    {
      step: "destroy",
      deleteServerAction: "running",
      firewallAppliedTo: [],
      primaryIPAssigneesAtDelete: [null, null],
    },
    {
      step: "gone after destroy",
      found: [],
      deleteAgainNotFound: { server: true, firewall: true, sshKey: true, primaryIP: true, rrset: true },
      serverDeleteAgain: {
        code: "not_found",
        message: expect.stringMatching(/^server with ID '\d+' not found$/),
      },
    },
  ]);

  expect(machines.created).toEqual([
    {
      id: expect.any(Number),
      name: "faalserver.example.org",
      ipv4,
      ipv6,
      userData: USER_DATA,
      publicKeys: [JOHAN, INGRID],
    },
  ]);
  expect(machines.removed).toEqual([machines.created[0].id]);
  expect(api.state.leftovers()).toEqual({
    servers: [],
    firewalls: [],
    sshKeys: [],
    primaryIps: [],
    rrsets: [],
  });
  expect(api.state.actions.running()).toEqual([]);
});
