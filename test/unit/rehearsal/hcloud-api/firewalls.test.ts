import { SERVER, startApi, type RunningApi } from "./support";

let cloud: RunningApi;
beforeEach(async () => (cloud = await startApi()));
afterEach(() => cloud.close());

const SSH = { direction: "in", protocol: "tcp", port: "22", source_ips: ["192.0.2.0/24"] };

async function server(extra: object = {}): Promise<any> {
  const answer = await cloud.call("POST", "/servers", { ...SERVER, ...extra });
  await cloud.waitFor(answer.body.action.id);
  return answer.body.server;
}

test("a firewall given at server creation is applied from the start, on both sides", async () => {
  const firewall = (await cloud.call("POST", "/firewalls", { name: "main", rules: [SSH] })).body.firewall;

  const created = await cloud.call("POST", "/servers", { ...SERVER, firewalls: [{ firewall: firewall.id }] });

  expect(created.body.server.public_net.firewalls).toEqual([{ id: firewall.id, status: "applied" }]);
  expect(created.body.next_actions.map((a: any) => a.command)).toEqual(["apply_firewall"]);
  const read = (await cloud.call("GET", `/firewalls/${firewall.id}`)).body.firewall;
  expect(read.applied_to).toEqual([{ type: "server", server: { id: created.body.server.id } }]);
});

test("a firewall still applied to a server cannot be deleted (resource_in_use) until it is removed from it", async () => {
  const { id } = await server();
  const firewall = (
    await cloud.call("POST", "/firewalls", { name: "main", apply_to: [{ type: "server", server: { id } }] })
  ).body.firewall;

  const refused = await cloud.call("DELETE", `/firewalls/${firewall.id}`);
  expect(refused.status).toBe(422);
  expect(refused.body.error).toEqual({
    code: "resource_in_use",
    message: `firewall with ID ${firewall.id} is still in use`,
    details: null,
  });

  const removed = await cloud.call("POST", `/firewalls/${firewall.id}/actions/remove_from_resources`, {
    remove_from: [{ type: "server", server: { id } }],
  });
  expect(removed.body.actions.map((a: any) => a.status)).toEqual(["success"]);
  expect((await cloud.call("DELETE", `/firewalls/${firewall.id}`)).status).toBe(204);
  expect((await cloud.call("GET", `/firewalls/${firewall.id}`)).status).toBe(404);
  expect((await cloud.call("GET", `/servers/${id}`)).body.server.public_net.firewalls).toEqual([]);
});

test("a firewall applied through a label selector reaches the matching servers", async () => {
  const main = await server();
  await server({ name: "worker.example.org", labels: { role: "worker" } });

  const firewall = (
    await cloud.call("POST", "/firewalls", {
      name: "mains",
      apply_to: [{ type: "label_selector", label_selector: { selector: "role=main" } }],
    })
  ).body.firewall;

  expect(firewall.applied_to).toEqual([
    {
      type: "label_selector",
      label_selector: { selector: "role=main" },
      applied_to_resources: [{ type: "server", server: { id: main.id } }],
    },
  ]);
  expect((await cloud.call("DELETE", `/firewalls/${firewall.id}`)).body.error.code).toBe("resource_in_use");
});

test("rules are stored as the API normalizes them, and bad rules are invalid_input naming each field", async () => {
  const firewall = (
    await cloud.call("POST", "/firewalls", {
      name: "main",
      rules: [{ ...SSH, source_ips: ["2001:DB8:0:0::/32", "0.0.0.0/0"], description: "ssh" }],
    })
  ).body.firewall;
  expect(firewall.rules).toEqual([
    {
      direction: "in",
      protocol: "tcp",
      port: "22",
      source_ips: ["2001:db8::/32", "0.0.0.0/0"],
      destination_ips: [],
      description: "ssh",
    },
  ]);

  const bad = await cloud.call("POST", `/firewalls/${firewall.id}/actions/set_rules`, {
    rules: [{ direction: "in", protocol: "tcp", source_ips: ["10.0.0.1/8", "10.0.0.1"] }],
  });

  expect(bad.body.error.code).toBe("invalid_input");
  expect(bad.body.error.details.fields.map((f: any) => f.name)).toEqual([
    "rules[0].port",
    "rules[0].source_ips",
  ]);
});

test("firewall names are unique, and applying twice to one server is refused", async () => {
  const { id } = await server();
  const firewall = (await cloud.call("POST", "/firewalls", { name: "main" })).body.firewall;
  const target = { apply_to: [{ type: "server", server: { id } }] };
  await cloud.call("POST", `/firewalls/${firewall.id}/actions/apply_to_resources`, target);

  const twice = await cloud.call("POST", `/firewalls/${firewall.id}/actions/apply_to_resources`, target);
  const sameName = await cloud.call("POST", "/firewalls", { name: "main" });

  expect(twice.body.error.code).toBe("firewall_already_applied");
  expect(sameName.body.error.code).toBe("uniqueness_error");
});

test("deleting a server takes it off the firewalls it had", async () => {
  const firewall = (await cloud.call("POST", "/firewalls", { name: "main" })).body.firewall;
  const { id } = await server({ firewalls: [{ firewall: firewall.id }] });

  await cloud.waitFor((await cloud.call("DELETE", `/servers/${id}`)).body.action.id);

  expect((await cloud.call("GET", `/firewalls/${firewall.id}`)).body.firewall.applied_to).toEqual([]);
  expect((await cloud.call("DELETE", `/firewalls/${firewall.id}`)).status).toBe(204);
});
