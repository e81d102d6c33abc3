import { OTHER_PUBLIC_KEY, PUBLIC_KEY, keyOfType, startApi, type RunningApi } from "./support";

let cloud: RunningApi;
beforeEach(async () => (cloud = await startApi()));
afterEach(() => cloud.close());

test("a request without the API token, or with another one, is answered 401 unauthorized", async () => {
  const wrong = await cloud.call("GET", "/servers", undefined, "x".repeat(64));
  const response = await fetch(cloud.api.endpoint() + "/servers");

  expect(wrong.status).toBe(401);
  expect(wrong.body.error.code).toBe("unauthorized");
  expect(response.status).toBe(401);
});

test("a body that is no JSON is json_error; a path the API does not offer is not_found", async () => {
  const response = await fetch(cloud.api.endpoint() + "/ssh_keys", {
    method: "POST",
    headers: { Authorization: `Bearer ${cloud.api.token}` },
    body: "{name:",
  });
  const unknown = await cloud.call("GET", "/load_balancers");

  expect(response.status).toBe(400);
  expect(((await response.json()) as any).error.code).toBe("json_error");
  expect(unknown.status).toBe(404);
  expect(unknown.body.error.message).toMatch(/not offered by the local Hetzner API/);
});

test("lists are paginated as Hetzner paginates them, and hcloud-go can follow next_page", async () => {
  for (let i = 0; i < 3; i++) {
    await cloud.call("POST", "/ssh_keys", { name: `key-${i}`, public_key: keyOfType("ssh-ed25519", 10 + i) });
  }

  const first = await cloud.call("GET", "/ssh_keys?per_page=2");
  const second = await cloud.call("GET", `/ssh_keys?per_page=2&page=${first.body.meta.pagination.next_page}`);

  expect(first.body.ssh_keys.map((k: any) => k.name)).toEqual(["key-0", "key-1"]);
  expect(first.body.meta.pagination).toMatchObject({ page: 1, next_page: 2, last_page: 2, total_entries: 3 });
  expect(second.body.ssh_keys.map((k: any) => k.name)).toEqual(["key-2"]);
  expect(second.body.meta.pagination.next_page).toBeNull();
});

test("the state survives a snapshot and restore, and ids continue after the restored ones", async () => {
  const { body } = await cloud.call("POST", "/ssh_keys", { name: "johan", public_key: PUBLIC_KEY });
  const restarted = await startApi();
  try {
    restarted.api.state.restore(JSON.parse(JSON.stringify(cloud.api.state.snapshot())));

    const kept = await restarted.call("GET", `/ssh_keys/${body.ssh_key.id}`);
    const next = await restarted.call("POST", "/ssh_keys", { name: "other", public_key: OTHER_PUBLIC_KEY });

    expect(kept.body.ssh_key).toEqual(body.ssh_key);
    expect(next.body.ssh_key.id).toBeGreaterThan(body.ssh_key.id);
  } finally {
    await restarted.close();
  }
});

test("the debug view under /__rehearsal/ lists what a destroy would have to remove", async () => {
  await cloud.call("POST", "/ssh_keys", { name: "johan", public_key: PUBLIC_KEY });

  const response = await fetch(cloud.api.endpoint().replace(/\/v1$/, "") + "/__rehearsal/state", {
    headers: { Authorization: `Bearer ${cloud.api.token}` },
  });

  expect(((await response.json()) as any).leftovers).toEqual({
    servers: [],
    firewalls: [],
    sshKeys: ["johan"],
    primaryIps: [],
    rrsets: [],
  });
});
