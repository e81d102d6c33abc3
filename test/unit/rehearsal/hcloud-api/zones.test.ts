import { startApi, type RunningApi } from "./support";

let cloud: RunningApi;
beforeEach(async () => (cloud = await startApi({ seed: { zones: [{ name: "example.org" }] } })));
afterEach(() => cloud.close());

const A = { name: "www", type: "A", ttl: 300, records: [{ value: "10.250.0.2", comment: "main" }] };

test("a seeded zone is there from the start, by name and by id, with its SOA and NS", async () => {
  const byName = (await cloud.call("GET", "/zones/example.org")).body.zone;
  const byId = (await cloud.call("GET", `/zones/${byName.id}`)).body.zone;
  const rrsets = (await cloud.call("GET", "/zones/example.org/rrsets")).body.rrsets;

  expect(byId).toEqual(byName);
  expect(rrsets.map((r: any) => r.id)).toEqual(["@/SOA", "@/NS"]);
  expect(cloud.api.state.leftovers().rrsets).toEqual([]);
});

test("an RRSet is created once; a second with the same name and type is uniqueness_error", async () => {
  const created = await cloud.call("POST", "/zones/example.org/rrsets", A);
  const again = await cloud.call("POST", "/zones/example.org/rrsets", A);
  const read = await cloud.call("GET", "/zones/example.org/rrsets/www/A");

  expect(created.status).toBe(201);
  expect(read.body.rrset).toEqual({
    id: "www/A",
    name: "www",
    type: "A",
    ttl: 300,
    labels: {},
    protection: { change: false },
    records: [{ value: "10.250.0.2", comment: "main" }],
    zone: created.body.rrset.zone,
  });
  expect(again.status).toBe(409);
  expect(again.body.error.code).toBe("uniqueness_error");
});

test("records are set, added and removed; the last removal deletes the RRSet", async () => {
  await cloud.call("POST", "/zones/example.org/rrsets", A);
  const actions = "/zones/example.org/rrsets/www/A/actions";
  await cloud.call("POST", `${actions}/set_records`, { records: [{ value: "10.250.0.3" }] });
  await cloud.call("POST", `${actions}/add_records`, { records: [{ value: "10.250.0.4" }] });
  const values = async () =>
    (await cloud.call("GET", "/zones/example.org/rrsets/www/A")).body.rrset?.records.map((r: any) => r.value);
  expect(await values()).toEqual(["10.250.0.3", "10.250.0.4"]);

  await cloud.call("POST", `${actions}/remove_records`, {
    records: [{ value: "10.250.0.3" }, { value: "10.250.0.4" }],
  });

  expect((await cloud.call("GET", "/zones/example.org/rrsets/www/A")).status).toBe(404);
});

test("a change-protected RRSet refuses changes and deletion", async () => {
  await cloud.call("POST", "/zones/example.org/rrsets", A);
  await cloud.call("POST", "/zones/example.org/rrsets/www/A/actions/change_protection", { change: true });

  const set = await cloud.call("POST", "/zones/example.org/rrsets/www/A/actions/set_records", {
    records: [{ value: "10.250.0.9" }],
  });
  const deleted = await cloud.call("DELETE", "/zones/example.org/rrsets/www/A");

  expect(set.body.error.code).toBe("protected");
  expect(deleted.body.error.code).toBe("protected");
});

test("record values must fit the type, and names must be relative and lower case", async () => {
  const wrongValue = await cloud.call("POST", "/zones/example.org/rrsets", {
    ...A,
    records: [{ value: "fd00::1" }],
  });
  const absolute = await cloud.call("POST", "/zones/example.org/rrsets", { ...A, name: "www.example.org." });
  const upper = await cloud.call("POST", "/zones/example.org/rrsets", { ...A, name: "WWW" });

  expect(wrongValue.body.error.details.fields[0].name).toBe("records[0].value");
  expect(absolute.body.error.code).toBe("invalid_input");
  expect(upper.body.error.code).toBe("invalid_input");
});

test("a zone with delete protection cannot be deleted; a zone in another name is not_found", async () => {
  await cloud.call("POST", "/zones/example.org/actions/change_protection", { delete: true });

  expect((await cloud.call("DELETE", "/zones/example.org")).body.error.code).toBe("protected");
  expect((await cloud.call("GET", "/zones/example.net/rrsets")).status).toBe(404);
  expect((await cloud.call("POST", "/zones", { name: "example.org", mode: "primary" })).body.error.code).toBe(
    "uniqueness_error",
  );
});
