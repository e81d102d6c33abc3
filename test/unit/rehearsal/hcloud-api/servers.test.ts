import { ManualMachines, PUBLIC_KEY, SERVER, startApi, type RunningApi } from "./support";

let machines: ManualMachines;
let cloud: RunningApi;
beforeEach(async () => {
  machines = new ManualMachines();
  cloud = await startApi({ machines, addressPools: { ipv4: "10.99.0.0/24", ipv6: "fd00:99::/56" } });
});
afterEach(() => cloud.close());

async function createdServer(extra: object = {}): Promise<any> {
  const answer = await cloud.call("POST", "/servers", { ...SERVER, ...extra });
  expect(answer.status).toBe(201);
  await machines.settle();
  await cloud.waitFor(answer.body.action.id);
  return answer.body.server;
}

test("creating a server is a running action until the machine is up, then success", async () => {
  const key = (await cloud.call("POST", "/ssh_keys", { name: "johan", public_key: PUBLIC_KEY })).body.ssh_key;
  const answer = await cloud.call("POST", "/servers", {
    ...SERVER,
    ssh_keys: [key.id],
    user_data: "#cloud-config\n",
  });
  const { action, server } = answer.body;
  expect(action).toMatchObject({ command: "create_server", status: "running" });
  expect(server).toMatchObject({ status: "initializing", locked: true });
  expect((await cloud.call("GET", `/actions/${action.id}`)).body.action.status).toBe("running");

  await machines.settle();
  const finished = await cloud.waitFor(action.id);

  expect(finished).toMatchObject({ status: "success", progress: 100, error: null });
  expect((await cloud.call("GET", `/servers/${server.id}`)).body.server).toMatchObject({
    status: "running",
    locked: false,
  });
  expect(machines.created).toEqual([
    {
      id: server.id,
      name: "main.example.org",
      ipv4: server.public_net.ipv4.ip,
      ipv6: server.public_net.ipv6.ip.replace("/64", "1"),
      userData: "#cloud-config\n",
      publicKeys: [PUBLIC_KEY],
    },
  ]);
});

test("a machine that fails to boot ends the create action in error with the backend's message", async () => {
  const answer = await cloud.call("POST", "/servers", SERVER);

  await machines.settle(new Error("nspawn: rootfs missing"));
  const finished = await cloud.waitFor(answer.body.action.id);

  expect(finished.status).toBe("error");
  expect(finished.error).toEqual({ code: "action_failed", message: "nspawn: rootfs missing" });
});

test("each server gets its own IPv4 address and IPv6 /64 from the pools given at start-up", async () => {
  const first = await createdServer();
  const second = await createdServer({ name: "worker.example.org" });

  expect(first.public_net.ipv4.ip).toBe("10.99.0.2");
  expect(first.public_net.ipv6.ip).toBe("fd00:99:0:1::/64");
  expect(second.public_net.ipv4.ip).toBe("10.99.0.3");
  expect(second.public_net.ipv6.ip).toBe("fd00:99:0:2::/64");
});

test("a server with delete protection cannot be deleted (protected) until the protection is lifted", async () => {
  const server = await createdServer();
  await cloud.call("POST", `/servers/${server.id}/actions/change_protection`, {
    delete: true,
    rebuild: true,
  });

  const refused = await cloud.call("DELETE", `/servers/${server.id}`);
  expect(refused.status).toBe(403);
  expect(refused.body.error.code).toBe("protected");
  expect(machines.removed).toEqual([]);

  await cloud.call("POST", `/servers/${server.id}/actions/change_protection`, {
    delete: false,
    rebuild: false,
  });
  const deleted = await cloud.call("DELETE", `/servers/${server.id}`);
  expect(deleted.body.action).toMatchObject({ command: "delete_server", status: "running" });
  await machines.settle();
  await cloud.waitFor(deleted.body.action.id);

  expect(machines.removed).toEqual([server.id]);
  const gone = await cloud.call("GET", `/servers/${server.id}`);
  expect(gone.status).toBe(404);
  expect(gone.body.error.code).toBe("not_found");
  expect(cloud.api.state.leftovers()).toMatchObject({ servers: [], primaryIps: [] });
});

test("delete and rebuild protection of a server must be changed together", async () => {
  const server = await createdServer();

  const answer = await cloud.call("POST", `/servers/${server.id}/actions/change_protection`, {
    delete: true,
  });

  expect(answer.body.error.code).toBe("invalid_input");
});

test("a second server with a name in use is refused with uniqueness_error", async () => {
  await createdServer();

  const answer = await cloud.call("POST", "/servers", SERVER);

  expect(answer.status).toBe(409);
  expect(answer.body.error.code).toBe("uniqueness_error");
});

test("server types Hetzner removed, unknown types and types not sold in the location are refused", async () => {
  const removed = await cloud.call("POST", "/servers", { ...SERVER, server_type: "cx32" });
  const elsewhere = await cloud.call("POST", "/servers", { ...SERVER, location: "ash" });
  const nowhere = await cloud.call("POST", "/servers", { ...SERVER, location: "ams1" });
  const lookup = await cloud.call("GET", "/server_types?name=cx32");

  expect(removed.body.error.code).toBe("invalid_input");
  expect(removed.body.error.details.fields[0].name).toBe("server_type");
  expect(elsewhere.body.error).toMatchObject({
    code: "invalid_input",
    message: "unsupported location for server type",
  });
  expect(nowhere.body.error.details.fields).toEqual([
    { name: "location", messages: ["location 'ams1' not found"] },
  ]);
  // What the provider looks up before it creates: nothing, so it stops with "server type cx32 not found".
  expect(lookup.body.server_types).toEqual([]);
});

test("servers are listed by name and by label selector", async () => {
  await createdServer({ labels: { role: "main", org: "a" } });
  await createdServer({ name: "worker.example.org", labels: { role: "worker", org: "a" } });
  await createdServer({ name: "other.example.org", labels: {} });
  const names = async (query: string) =>
    (await cloud.call("GET", `/servers?${query}`)).body.servers.map((s: any) => s.name);

  expect(await names("name=worker.example.org")).toEqual(["worker.example.org"]);
  expect(await names("label_selector=role%3Dmain")).toEqual(["main.example.org"]);
  expect(await names("label_selector=org%3Da,role!%3Dmain")).toEqual(["worker.example.org"]);
  expect(await names("label_selector=!role")).toEqual(["other.example.org"]);
  expect(await names("label_selector=role%20in%20(main,worker)")).toHaveLength(2);
  expect((await cloud.call("GET", "/servers?label_selector=role%3D%3D%3D")).body.error.code).toBe(
    "invalid_input",
  );
});

test("power off and on are running actions while the machine works, and the server is locked meanwhile", async () => {
  const server = await createdServer();

  const off = await cloud.call("POST", `/servers/${server.id}/actions/poweroff`);
  const busy = await cloud.call("POST", `/servers/${server.id}/actions/poweron`);
  await machines.settle();
  await cloud.waitFor(off.body.action.id);

  expect(busy.status).toBe(423);
  expect(busy.body.error.code).toBe("locked");
  expect((await cloud.call("GET", `/servers/${server.id}`)).body.server.status).toBe("off");
});

test("poweroff and reset cut the power, as Hetzner's do; shutdown and reboot halt the system", async () => {
  const server = await createdServer();
  for (const action of ["poweroff", "poweron", "shutdown", "poweron", "reset", "reboot"]) {
    const started = await cloud.call("POST", `/servers/${server.id}/actions/${action}`);
    await machines.settle();
    if (action === "reset" || action === "reboot") await machines.settle();
    await cloud.waitFor(started.body.action.id);
  }
  expect(machines.poweredOff).toEqual(["cut", "halt", "cut", "halt"]);
});

test("changing the type needs a stopped server and keeps the disk unless asked to grow it", async () => {
  const server = await createdServer();
  const running = await cloud.call("POST", `/servers/${server.id}/actions/change_type`, {
    server_type: "cx33",
  });
  expect(running.body.error.code).toBe("server_not_stopped");

  const off = await cloud.call("POST", `/servers/${server.id}/actions/poweroff`);
  await machines.settle();
  await cloud.waitFor(off.body.action.id);
  const changed = await cloud.call("POST", `/servers/${server.id}/actions/change_type`, {
    server_type: "cx33",
    upgrade_disk: false,
  });

  expect(changed.body.action.status).toBe("success");
  const after = (await cloud.call("GET", `/servers/${server.id}`)).body.server;
  expect(after.server_type.name).toBe("cx33");
  expect(after.primary_disk_size).toBe(40);
});

test("a server created with a primary IP of its own keeps that IP when deleted; its own IPv6 goes", async () => {
  const ip = (
    await cloud.call("POST", "/primary_ips", {
      name: "main-v4",
      type: "ipv4",
      location: "nbg1",
      assignee_type: "server",
    })
  ).body.primary_ip;

  const server = await createdServer({ public_net: { enable_ipv4: true, enable_ipv6: true, ipv4: ip.id } });
  expect(server.public_net.ipv4).toMatchObject({ id: ip.id, ip: ip.ip });
  const deleted = await cloud.call("DELETE", `/servers/${server.id}`);
  await machines.settle();
  await cloud.waitFor(deleted.body.action.id);

  const kept = (await cloud.call("GET", `/primary_ips/${ip.id}`)).body.primary_ip;
  expect(kept.assignee_id).toBeNull();
  expect(cloud.api.state.leftovers().primaryIps).toEqual(["main-v4"]);
});

test("a protected primary IP cannot be deleted; an assigned one only once its server is off", async () => {
  const create = { type: "ipv4", location: "nbg1", assignee_type: "server" };
  const ip = (await cloud.call("POST", "/primary_ips", { ...create, name: "main-v4" })).body.primary_ip;
  const server = await createdServer({ public_net: { enable_ipv4: true, enable_ipv6: false, ipv4: ip.id } });
  await cloud.call("POST", `/primary_ips/${ip.id}/actions/change_protection`, { delete: true });

  expect((await cloud.call("DELETE", `/primary_ips/${ip.id}`)).body.error.code).toBe("protected");
  await cloud.call("POST", `/primary_ips/${ip.id}/actions/change_protection`, { delete: false });
  expect((await cloud.call("DELETE", `/primary_ips/${ip.id}`)).body.error.code).toBe("server_not_stopped");

  const off = await cloud.call("POST", `/servers/${server.id}/actions/poweroff`);
  await machines.settle();
  await cloud.waitFor(off.body.action.id);
  expect((await cloud.call("DELETE", `/primary_ips/${ip.id}`)).status).toBe(204);
  expect((await cloud.call("GET", `/servers/${server.id}`)).body.server.public_net.ipv4).toBeNull();
});
