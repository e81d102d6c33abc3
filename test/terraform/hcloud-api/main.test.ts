import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { startApiProcess } from "./support";

// The command operators run (`tsx rehearsal/hcloud-api/main.ts`): seeded zones, and objects that survive a
// restart with --state.
jest.setTimeout(60_000);

const PUBLIC_KEY =
  "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGb0VdQq8Ba6kZ2g1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f johan@laptop";

let dir: string;
beforeEach(() => (dir = mkdtempSync(path.join(os.tmpdir(), "hcloud-api-main-"))));
afterEach(() => rmSync(dir, { recursive: true, force: true }));

test("with --state a restarted API still has what was created, and seeded zones are not seeded twice", async () => {
  const seed = path.join(dir, "seed.json");
  const state = path.join(dir, "state.json");
  writeFileSync(seed, JSON.stringify({ zones: [{ name: "example.org" }] }));
  const args = ["--seed", seed, "--state", state];

  const first = await startApiProcess(args);
  const post = await fetch(`${first.endpoint}/ssh_keys`, {
    method: "POST",
    headers: { Authorization: `Bearer ${first.token}` },
    body: JSON.stringify({ name: "johan", public_key: PUBLIC_KEY }),
  });
  const key = ((await post.json()) as any).ssh_key;
  await first.stop();
  expect(JSON.parse(readFileSync(state, "utf8")).sshKeys.map((k: any) => k.name)).toEqual(["johan"]);

  const second = await startApiProcess(args);
  try {
    const kept = await second.get(`${second.endpoint}/ssh_keys/${key.id}`);
    const zones = await second.get(`${second.endpoint}/zones`);

    expect(kept.ssh_key).toEqual(key);
    expect(zones.zones.map((z: any) => z.name)).toEqual(["example.org"]);
  } finally {
    await second.stop();
  }
});

test("a token that the provider would refuse is refused at start-up", async () => {
  await expect(startApiProcess(["--token", "too-short"])).rejects.toThrow(/64 characters/);
});
