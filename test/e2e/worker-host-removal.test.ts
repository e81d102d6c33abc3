import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { Testing } from "cdktf";
import { OrganisationStack } from "../../stacks/organisation-stack";
import { loadExample } from "../support/organisations";
import { startApiProcess, type ApiProcess } from "../terraform/hcloud-api/support";
import { REAL_PLUGINS, SmallStack, type PlannedChange } from "../terraform/small-stack";
import { ensureMirror } from "../terraform/stacks";

/*
 * Removing a worker host by editing the file, applied: the whole example organisation, its servers, addresses,
 * firewalls and DNS records by the real hcloud plugin against the local Hetzner API (tls and random real too,
 * the other providers' blocks stand-ins, see ops/terraform/projection.ts). In the e2e tier because it needs the
 * real hcloud plugin; test/unit/remote-workers/worker-host-removal.test.ts checks the stack's side everywhere.
 */
let root: string;

beforeAll(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), "failmap-worker-hosts-"));
});

afterAll(() => {
  if (root) fs.rmSync(root, { recursive: true, force: true });
});

describe("removing a worker host, by lowering its group's count or by deleting the group", () => {
  // The whole example organisation, its servers, addresses, firewalls and DNS records applied by the real
  // hcloud plugin against the local Hetzner API; tls and random real too; the rest stand-ins.
  let api: ApiProcess;
  const small = new SmallStack(
    () => root,
    "worker-hosts",
    {
      get HCLOUD_ENDPOINT() {
        return api.endpoint;
      },
      get HCLOUD_TOKEN() {
        return api.token;
      },
    },
    new Set([...REAL_PLUGINS, "hcloud"]),
  );
  const synthWorkerHosts = (count: number | "no group") => {
    const org = loadExample("faalkaart", (d) => {
      if (count === "no group") delete d.remoteWorkers.hosts.scanners;
      else d.remoteWorkers.hosts.scanners.count = count;
    });
    return new OrganisationStack(Testing.app(), { organisation: org });
  };
  /** Every change of a plan but no-ops, as "actions address". */
  const changesOf = (changes: readonly PlannedChange[]) =>
    changes
      .filter((c) => c.change.actions.join() !== "no-op")
      .map((c) => `${c.change.actions.join()} ${c.address}`);

  /** What the local Hetzner API holds by name: servers, primary IPs, firewalls, the zone's records. */
  const inTheCloud = async (hostName: string) => {
    const names = async (kind: string, key = kind) =>
      ((await api.get(`${api.endpoint}/${kind}?per_page=50`))[key] as { name: string }[]).map((o) => o.name);
    const all = [
      ...(await names("servers")),
      ...(await names("primary_ips")),
      ...(await names("firewalls")),
      ...(await names("zones/faalkaart.nl/rrsets", "rrsets")),
    ];
    return all.filter((name) => name.includes(hostName));
  };

  beforeAll(async () => {
    if (!ensureMirror().has("hcloud")) {
      throw new Error("the hcloud plugin is not in Terraform's local mirror: see docs/terraform.md");
    }
    fs.writeFileSync(
      path.join(root, "seed.json"),
      JSON.stringify({ zones: [{ name: "faalkaart.nl", rrsets: [] }] }),
    );
    api = await startApiProcess(["--seed", path.join(root, "seed.json")]);
  }, 60_000);

  afterAll(async () => {
    await api?.stop();
  });

  it("removes the last host of a group when its count goes down: everything of it, and nothing else", async () => {
    small.write(synthWorkerHosts(2));
    small.apply();
    expect((await inTheCloud("scanners-2")).length).toBeGreaterThanOrEqual(5);
    small.write(synthWorkerHosts(1));
    const changes = changesOf(small.plan());
    const removed = changes.filter((c) => c.includes("scanners-2"));
    expect(removed.length).toBeGreaterThan(0);
    expect(removed.filter((c) => !c.startsWith("delete "))).toEqual([]);
    expect(removed).toEqual(
      expect.arrayContaining([expect.stringMatching(/^delete hcloud_server\.scanners-2_/)]),
    );
    // The rest only forgets the host: the main server's firewall and nftables, the endpoint's allowed
    // certificates and Prometheus's targets are updated in place, nothing is replaced or deleted.
    expect(changes.filter((c) => !c.includes("scanners-2") && !c.startsWith("update "))).toEqual([]);
    small.apply();
    expect(await inTheCloud("scanners-2")).toEqual([]);
    expect((await inTheCloud("scanners-1")).length).toBeGreaterThanOrEqual(5);
    expect(changesOf(small.plan())).toEqual([]);
  }, 300_000);

  it("removes every host of a deleted group, and the plan after it is clean", async () => {
    small.write(synthWorkerHosts("no group"));
    const changes = changesOf(small.plan());
    const removed = changes.filter((c) => c.includes("scanners-1"));
    expect(removed).toEqual(
      expect.arrayContaining([expect.stringMatching(/^delete hcloud_server\.scanners-1_/)]),
    );
    expect(removed.filter((c) => !c.startsWith("delete "))).toEqual([]);
    expect(changes.filter((c) => !c.includes("scanners-1") && !c.startsWith("update "))).toEqual([]);
    small.apply();
    expect(await inTheCloud("scanners")).toEqual([]);
    expect(changesOf(small.plan())).toEqual([]);
  }, 300_000);
});
