import { loadExample, resourcesOf, synthOrganisation } from "../../support/organisations";

const synth = synthOrganisation(loadExample("faalkaart"));
const [mainServer] = Object.entries<Record<string, any>>(synth.resource.hcloud_server).filter(
  ([, s]) => s.labels.role === "main",
);
const stops = synth.resource.terraform_data as Record<string, Record<string, any>>;

describe("a server type change", () => {
  it("keeps the disk by default, so that the type can go down again", () => {
    expect(mainServer[1].keep_disk).toBe(true);
    const resized = synthOrganisation(
      loadExample("faalkaart", (d) => {
        d.server.keepDisk = false;
      }),
    );
    const [server] = resourcesOf(resized, "hcloud_server").filter((s) => s.labels.role === "main");
    expect(server.keep_disk).toBe(false);
  });

  it("first stops the services over SSH, in a step the server waits for and that runs again with each type", () => {
    const dependencies: string[] = mainServer[1].depends_on ?? [];
    const stop = dependencies
      .filter((d) => d.startsWith("terraform_data."))
      .map((d) => stops[d.slice("terraform_data.".length)])
      .find((block) => block?.triggers_replace?.server_type !== undefined);
    expect(stop).toBeDefined();
    expect(stop!.triggers_replace).toEqual({ server_type: "cx33" });
    const [provisioner] = stop!.provisioner;
    expect(provisioner["local-exec"].environment).toEqual({
      ADDRESS: expect.stringMatching(/^\$\{hcloud_primary_ip\.main_ipv4_[\w]+\.ip_address\}$/),
      SERVER: expect.stringMatching(/^\$\{hcloud_primary_ip\.main_ipv4_[\w]+\.assignee_id\}$/),
      SSH_USER: "deploy",
      SSH_PORT: "22",
      HOST_KEY: expect.stringMatching(
        /^\$\{trimspace\(tls_private_key\.main_host-key_\w+\.public_key_openssh\)\}$/,
      ),
      SERVER_TYPE: "cx33",
    });
  });

  it("powers the server on again after the change, and the host's name wait, before any SSH, waits for it", () => {
    const [serverAddress] = Object.keys(synth.resource.hcloud_server).filter(
      (name) => synth.resource.hcloud_server[name].labels.role === "main",
    );
    const [powerOnName, powerOn] = Object.entries(stops).find(
      ([, block]) =>
        block.triggers_replace?.server_type !== undefined &&
        (block.depends_on ?? []).includes(`hcloud_server.${serverAddress}`),
    )!;
    expect(powerOn.triggers_replace).toEqual({ server_type: "cx33" });
    const [provisioner] = powerOn.provisioner;
    expect(provisioner["local-exec"].interpreter).toEqual(["node", "-e"]);
    expect(provisioner["local-exec"].environment).toEqual({
      SERVER: `\${hcloud_server.${serverAddress}.id}`,
      SERVER_TYPE: "cx33",
    });
    const waits = Object.values(synth.resource.null_resource as Record<string, Record<string, any>>).filter(
      (block) => block.triggers?.fqdn === mainServer[1].name,
    );
    expect(waits).toHaveLength(1);
    expect(waits[0].depends_on).toContain(`terraform_data.${powerOnName}`);
  });
});
