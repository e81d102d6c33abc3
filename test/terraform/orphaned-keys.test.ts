import { TerraformStack, Testing } from "cdktf";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { HetznerProjectKeys, type OperatorKey } from "../../constructs/host/hetzner-project-keys";
import { configureProviders } from "../../stacks/providers";
import { REAL_PLUGINS, SmallStack } from "./small-stack";
import { startApiProcess, type ApiProcess } from "./hcloud-api/support";
import { ensureMirror } from "./stacks";

/*
 * An apply killed after Hetzner made an operator's key and before Terraform wrote its state (issue 19: the
 * apply killed in the middle of the bootstrap) leaves the key in Hetzner only. The next apply must adopt it,
 * not make it again (Hetzner refuses a second key of the same name or fingerprint: uniqueness_error), and
 * the plan after it must be clean. Real Terraform and the real hcloud plugin, against the local Hetzner API.
 */

const JOHAN: OperatorKey = {
  name: "johan",
  publicKey: "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIM1GYc13ky9KgWSs3LK/XOZn3TaQrEwqPZm55yCIBtCB johan@laptop",
};
const INGRID: OperatorKey = {
  name: "ingrid",
  publicKey: "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIMWXXFvVoalqvHqLe7CIKfmrA04T3EpAP02m/wJqTWTI ingrid@laptop",
};

let root: string;
let api: ApiProcess;
let available: Set<string>;

beforeAll(async () => {
  available = ensureMirror();
  root = fs.mkdtempSync(path.join(os.tmpdir(), "failmap-orphaned-keys-"));
  // In a process of its own: Terraform runs synchronously here (spawnSync), which would starve an API in this one.
  api = await startApiProcess([]);
}, 10 * 60_000);

afterAll(async () => {
  if (root) fs.rmSync(root, { recursive: true, force: true });
  await api?.stop();
});

const keysStack = (keys: readonly OperatorKey[]) => {
  const stack = new TerraformStack(Testing.app(), "keys");
  configureProviders(stack, { hcloud: true });
  new HetznerProjectKeys(stack, "operator-keys", { organisation: "faalkaart", keys });
  return stack;
};

async function hetznerKeys(): Promise<{ id: number; name: string }[]> {
  const response = await fetch(`${api.endpoint}/ssh_keys`, {
    headers: { Authorization: `Bearer ${api.token}` },
  });
  return ((await response.json()) as { ssh_keys: { id: number; name: string }[] }).ssh_keys;
}

test("a key the stack made but never recorded is adopted by the next apply, which leaves a clean plan", async () => {
  if (!available.has("hcloud"))
    throw new Error("the hcloud plugin is not installed (npm run providers -- --check)");
  const small = new SmallStack(
    () => root,
    "keys",
    { HCLOUD_ENDPOINT: api.endpoint, HCLOUD_TOKEN: api.token },
    new Set([...REAL_PLUGINS, "hcloud"]),
  );
  small.write(keysStack([JOHAN]));
  small.apply();

  // What the killed apply did: Hetzner made the new operator's key, with the stack's name and labels.
  const orphan = await fetch(`${api.endpoint}/ssh_keys`, {
    method: "POST",
    headers: { Authorization: `Bearer ${api.token}` },
    body: JSON.stringify({
      name: "faalkaart-ingrid",
      public_key: INGRID.publicKey,
      labels: { organisation: "faalkaart", "managed-by": "cdktf" },
    }),
  }).then(async (response) => ((await response.json()) as { ssh_key: { id: number } }).ssh_key);

  small.write(keysStack([JOHAN, INGRID]));
  const planned = small.plan() as {
    address: string;
    change: { actions: readonly string[]; importing?: { id: string } };
  }[];
  const ingrid = planned.find((c) => c.address.includes("ingrid"));
  expect(ingrid?.change.importing).toEqual({ id: String(orphan.id) });
  expect(planned.filter((c) => c.change.actions.join() !== "no-op")).toEqual([]);

  small.apply();
  expect((await hetznerKeys()).map((k) => k.name).sort()).toEqual(["faalkaart-ingrid", "faalkaart-johan"]);
  expect(small.tf("state", "show", "-no-color", ingrid!.address)).toMatch(
    new RegExp(`id\\s+=\\s+"${orphan.id}"`),
  );
  // The plan after it: nothing to import, make or change.
  expect(small.plan().filter((c) => c.change.actions.join() !== "no-op" || "importing" in c.change)).toEqual(
    [],
  );
}, 300_000);
