import { OTHER_PUBLIC_KEY, PUBLIC_KEY, startApi, type RunningApi } from "./support";

let cloud: RunningApi;
beforeEach(async () => (cloud = await startApi()));
afterEach(() => cloud.close());

test("a second key with the same public key is refused with uniqueness_error, as Hetzner refuses it", async () => {
  expect(
    (await cloud.call("POST", "/ssh_keys", { name: "org-main-johan", public_key: PUBLIC_KEY })).status,
  ).toBe(201);

  const second = await cloud.call("POST", "/ssh_keys", { name: "org-worker-johan", public_key: PUBLIC_KEY });

  expect(second.status).toBe(409);
  expect(second.body.error.code).toBe("uniqueness_error");
});

test("a second key with the same name is refused with uniqueness_error", async () => {
  await cloud.call("POST", "/ssh_keys", { name: "johan", public_key: PUBLIC_KEY });

  const second = await cloud.call("POST", "/ssh_keys", { name: "johan", public_key: OTHER_PUBLIC_KEY });

  expect(second.status).toBe(409);
  expect(second.body.error).toEqual({
    code: "uniqueness_error",
    message: "SSH key name is already used",
    details: null,
  });
});

test("keys are found by fingerprint and by name, and the public key comes back exactly as sent", async () => {
  const sent = `${PUBLIC_KEY}\n`;
  const { body } = await cloud.call("POST", "/ssh_keys", {
    name: "johan",
    public_key: sent,
    labels: { a: "b" },
  });
  await cloud.call("POST", "/ssh_keys", { name: "other", public_key: OTHER_PUBLIC_KEY });
  expect(body.ssh_key.fingerprint).toMatch(/^([0-9a-f]{2}:){15}[0-9a-f]{2}$/);

  const byFingerprint = await cloud.call("GET", `/ssh_keys?fingerprint=${body.ssh_key.fingerprint}`);
  const byName = await cloud.call("GET", "/ssh_keys?name=johan");

  expect(byFingerprint.body.ssh_keys.map((k: any) => k.name)).toEqual(["johan"]);
  expect(byName.body.ssh_keys).toEqual([body.ssh_key]);
  expect(body.ssh_key.public_key).toBe(sent);
});

test("a text that is no OpenSSH public key is invalid_input naming the field", async () => {
  const answer = await cloud.call("POST", "/ssh_keys", {
    name: "johan",
    public_key: "ssh-ed25519 not-base64!",
  });

  expect(answer.status).toBe(400);
  expect(answer.body.error.code).toBe("invalid_input");
  expect(answer.body.error.details.fields).toEqual([
    { name: "public_key", messages: ["invalid public key"] },
  ]);
});

test("a deleted key answers 404 not_found, and its name can be used again", async () => {
  const { body } = await cloud.call("POST", "/ssh_keys", { name: "johan", public_key: PUBLIC_KEY });
  expect((await cloud.call("DELETE", `/ssh_keys/${body.ssh_key.id}`)).status).toBe(204);

  const gone = await cloud.call("GET", `/ssh_keys/${body.ssh_key.id}`);

  expect(gone.status).toBe(404);
  expect(gone.body).toEqual({
    error: { code: "not_found", message: `SSH key with ID '${body.ssh_key.id}' not found`, details: null },
  });
  expect((await cloud.call("POST", "/ssh_keys", { name: "johan", public_key: PUBLIC_KEY })).status).toBe(201);
});

test("renaming a key onto another key's name is refused", async () => {
  await cloud.call("POST", "/ssh_keys", { name: "a", public_key: PUBLIC_KEY });
  const { body } = await cloud.call("POST", "/ssh_keys", { name: "b", public_key: OTHER_PUBLIC_KEY });

  const answer = await cloud.call("PUT", `/ssh_keys/${body.ssh_key.id}`, { name: "a" });

  expect(answer.body.error.code).toBe("uniqueness_error");
});
