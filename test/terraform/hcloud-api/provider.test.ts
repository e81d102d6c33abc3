import { rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { failure, runTerraform } from "../../../ops/state/terraform";
import {
  hcloudProviderMirror,
  startApiProcess,
  workdir,
  type ApiProcess,
  type ProviderMirror,
} from "./support";

// The real hcloud provider 1.64.0 against the local Hetzner API: what an operator's `cdktf deploy` does to
// Hetzner, on the resources the stacks use.
jest.setTimeout(180_000);

const PUBLIC_KEY =
  "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGb0VdQq8Ba6kZ2g1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f johan@laptop\n";

let mirror: ProviderMirror;
let api: ApiProcess;
let seedDir: string;

beforeAll(() => {
  mirror = hcloudProviderMirror();
  seedDir = workdir({}).dir;
  writeFileSync(path.join(seedDir, "seed.json"), JSON.stringify({ zones: [{ name: "example.org" }] }));
});

afterAll(() => {
  mirror?.remove();
  if (seedDir) rmSync(seedDir, { recursive: true, force: true });
});

// A fresh cloud for each test, with the operator's zone in it, as before a first deploy.
beforeEach(async () => {
  api = await startApiProcess(["--seed", path.join(seedDir, "seed.json"), "--ipv4-pool", "10.250.8.0/24"]);
});

afterEach(() => api?.stop());

function stack(options: {
  protect: boolean;
  keys?: string[];
  httpsPort?: string;
  serverType?: string;
}): object {
  const keys = options.keys ?? ["johan"];
  return {
    terraform: { required_providers: { hcloud: { source: "hetznercloud/hcloud", version: "1.64.0" } } },
    provider: { hcloud: { endpoint: api.endpoint, poll_interval: "50ms" } },
    resource: {
      hcloud_ssh_key: Object.fromEntries(
        keys.map((k) => [
          k,
          { name: `example-${k}`, public_key: PUBLIC_KEY, labels: { organisation: "example" } },
        ]),
      ),
      hcloud_firewall: {
        main: {
          name: "example-main",
          labels: { organisation: "example", "managed-by": "cdktf" },
          rule: [
            { direction: "in", protocol: "tcp", port: "22", source_ips: ["192.0.2.0/24", "2001:DB8::/32"] },
            {
              direction: "in",
              protocol: "tcp",
              port: options.httpsPort ?? "443",
              source_ips: ["0.0.0.0/0", "::/0"],
            },
          ],
        },
      },
      // As the stacks make them: addresses that outlive a replaced server, so that firewalls and DNS can
      // name them before the server exists.
      hcloud_primary_ip: Object.fromEntries(
        ["ipv4", "ipv6"].map((type) => [
          type,
          {
            name: `faalserver.example.org-${type}`,
            type,
            location: "nbg1",
            assignee_type: "server",
            auto_delete: false,
            delete_protection: options.protect,
            labels: { organisation: "example" },
          },
        ]),
      ),
      hcloud_server: {
        main: {
          name: "faalserver.example.org",
          server_type: options.serverType ?? "cx23",
          keep_disk: true,
          location: "nbg1",
          image: "debian-12",
          backups: true,
          delete_protection: options.protect,
          rebuild_protection: options.protect,
          labels: { organisation: "example", role: "main" },
          ssh_keys: keys.map((k) => `\${hcloud_ssh_key.${k}.id}`),
          firewall_ids: ["${hcloud_firewall.main.id}"],
          user_data: "#cloud-config\nhostname: faalserver\n",
          public_net: [
            {
              ipv4_enabled: true,
              ipv4: "${hcloud_primary_ip.ipv4.id}",
              ipv6_enabled: true,
              ipv6: "${hcloud_primary_ip.ipv6.id}",
            },
          ],
        },
      },
      hcloud_zone_rrset: {
        a: {
          zone: "example.org",
          name: "faalserver",
          type: "A",
          ttl: 300,
          records: [{ value: "${hcloud_primary_ip.ipv4.ip_address}", comment: "failmap main" }],
        },
        aaaa: {
          zone: "example.org",
          name: "faalserver",
          type: "AAAA",
          ttl: 300,
          records: [{ value: "${cidrhost(hcloud_primary_ip.ipv6.ip_network, 1)}" }],
        },
      },
    },
    output: {
      ipv4: { value: "${hcloud_server.main.ipv4_address}" },
      ipv6: { value: "${hcloud_server.main.ipv6_address}" },
    },
  };
}

function terraform(dir: string, ...args: string[]) {
  return runTerraform(args, dir, {
    ...process.env,
    TF_CLI_CONFIG_FILE: mirror.cliConfig,
    HCLOUD_TOKEN: api.token,
    TF_DATA_DIR: path.join(dir, ".terraform"),
    TF_PLUGIN_CACHE_DIR: "",
    HOME: os.tmpdir(),
  });
}

function ok(dir: string, ...args: string[]): string {
  const run = terraform(dir, ...args);
  if (run.status !== 0) throw new Error(failure(args, run));
  return run.stdout;
}

test("apply creates the stack, a second plan is empty, and destroy needs the protection lifted first", async () => {
  const work = workdir(stack({ protect: true }));
  try {
    ok(work.dir, "init", "-input=false");
    ok(work.dir, "apply", "-auto-approve", "-input=false");
    expect(ok(work.dir, "output", "-raw", "ipv4")).toMatch(/^10\.250\.8\.\d+$/);
    expect(ok(work.dir, "output", "-raw", "ipv6")).toMatch(/^fd00:fa11:0:[0-9a-f]+::1$/);
    const leftovers = (await api.get("/__rehearsal/state")).leftovers;
    expect(leftovers).toEqual({
      servers: ["faalserver.example.org"],
      firewalls: ["example-main"],
      sshKeys: ["example-johan"],
      primaryIps: ["faalserver.example.org-ipv4", "faalserver.example.org-ipv6"],
      rrsets: ["example.org faalserver/A", "example.org faalserver/AAAA"],
    });

    const plan = terraform(work.dir, "plan", "-detailed-exitcode", "-input=false");
    expect({ status: plan.status, output: plan.stdout }).toMatchObject({ status: 0 });

    // A changed rule goes through set_rules; the plan after it is empty again.
    writeFileSync(
      path.join(work.dir, "main.tf.json"),
      JSON.stringify(stack({ protect: true, httpsPort: "8443" })),
    );
    expect(ok(work.dir, "apply", "-auto-approve", "-input=false")).toMatch(/0 added, 1 changed, 0 destroyed/);
    expect(terraform(work.dir, "plan", "-detailed-exitcode", "-input=false").status).toBe(0);

    // A bigger type with the disk kept: poweroff, change_type with upgrade_disk false.
    const bigger = stack({ protect: true, httpsPort: "8443", serverType: "cx33" });
    writeFileSync(path.join(work.dir, "main.tf.json"), JSON.stringify(bigger));
    expect(ok(work.dir, "apply", "-auto-approve", "-input=false")).toMatch(/0 added, 1 changed, 0 destroyed/);
    expect(terraform(work.dir, "plan", "-detailed-exitcode", "-input=false").status).toBe(0);
    const server = JSON.parse(ok(work.dir, "show", "-json")).values.root_module.resources.find(
      (r: any) => r.address === "hcloud_server.main",
    ).values;
    expect(server).toMatchObject({ server_type: "cx33", primary_disk_size: 40 });

    const refused = terraform(work.dir, "destroy", "-auto-approve", "-input=false");
    expect(refused.status).not.toBe(0);
    expect(refused.stderr).toMatch(/server deletion is protected \(protected\)/);
    expect((await api.get("/__rehearsal/state")).leftovers.servers).toEqual(["faalserver.example.org"]);

    writeFileSync(path.join(work.dir, "main.tf.json"), JSON.stringify(stack({ protect: false })));
    ok(work.dir, "apply", "-auto-approve", "-input=false");
    ok(work.dir, "destroy", "-auto-approve", "-input=false");

    expect((await api.get("/__rehearsal/state")).leftovers).toEqual({
      servers: [],
      firewalls: [],
      sshKeys: [],
      primaryIps: [],
      rrsets: [],
    });
  } finally {
    work.remove();
  }
});

test("two hcloud_ssh_key with one public key fail the apply with Hetzner's uniqueness error", async () => {
  const work = workdir(stack({ protect: false, keys: ["johan", "johan-again"] }));
  try {
    ok(work.dir, "init", "-input=false");

    const apply = terraform(
      work.dir,
      "apply",
      "-auto-approve",
      "-input=false",
      "-target=hcloud_ssh_key.johan",
      "-target=hcloud_ssh_key.johan-again",
    );

    expect(apply.status).not.toBe(0);
    expect(apply.stderr).toMatch(/SSH key not unique \(uniqueness_error\)/);
  } finally {
    terraform(work.dir, "destroy", "-auto-approve", "-input=false");
    work.remove();
  }
  expect((await api.get("/__rehearsal/state")).leftovers.sshKeys).toEqual([]);
});
