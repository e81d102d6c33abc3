import { PUBLIC_KEY, startApi, type RunningApi } from "./support";

/*
 * The rehearsal's fault switch: the local Hetzner API stops for a while (test/e2e/faults.test.ts stops it in
 * the middle of an apply), and answers again on the same address afterwards.
 */
let cloud: RunningApi;
beforeEach(async () => (cloud = await startApi()));
afterEach(() => cloud.close());

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
/** What a request ends with: its status, or the network error that ended it. */
const outcome = (path: string, method = "GET", body?: unknown) =>
  cloud.call(method, path, body).then(
    (answer) => answer.status,
    (error: Error) => `failed: ${(error.cause as Error | undefined)?.message ?? error.message}`,
  );

test("stopped now, it refuses connections for the seconds asked, then answers again", async () => {
  const asked = await cloud.call("POST", "/__rehearsal/outage", { seconds: 1 });
  expect(asked.status).toBe(202);
  await pause(50);

  expect(await outcome("/ssh_keys")).toMatch(/^failed: .*ECONNREFUSED/);
  await pause(1200);
  expect(await outcome("/ssh_keys")).toBe(200);
});

test("stopped at the next write, it answers reads until then, and drops that write unhandled", async () => {
  await cloud.call("POST", "/__rehearsal/outage", { seconds: 1, start: "next-write" });

  expect(await outcome("/ssh_keys")).toBe(200);
  expect(await outcome("/ssh_keys", "POST", { name: "johan", public_key: PUBLIC_KEY })).toMatch(/^failed: /);
  expect(await outcome("/ssh_keys")).toMatch(/^failed: .*ECONNREFUSED/);
  await pause(1200);
  expect((await cloud.call("GET", "/ssh_keys")).body.ssh_keys).toEqual([]);
});

test("an outage without a length, or of another kind, is refused, naming the setting", async () => {
  const none = await cloud.call("POST", "/__rehearsal/outage", {});
  const other = await cloud.call("POST", "/__rehearsal/outage", { seconds: 5, start: "tomorrow" });

  expect(none).toMatchObject({ status: 400, body: { error: { code: "invalid_input" } } });
  expect(none.body.error.message).toMatch(/^seconds: /);
  expect(other.body.error.message).toMatch(/^start: /);
});
