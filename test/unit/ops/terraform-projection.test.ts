import { projectOntoProviders, providerOf } from "../../../ops/terraform/projection";

const stack = {
  terraform: { required_providers: { hcloud: {}, tls: {}, docker: {} }, backend: { local: { path: "x" } } },
  provider: { hcloud: [{}], tls: [{}], docker: [{ alias: "main", host: "ssh://deploy@a.example.nl" }] },
  resource: {
    tls_private_key: { host_key: { algorithm: "ED25519" } },
    terraform_data: { machine: { triggers_replace: { id: "${hcloud_server.main.id}" } } },
    hcloud_primary_ip: { ipv4: { name: "a-ipv4", type: "ipv4", lifecycle: { ignore_changes: ["labels"] } } },
    hcloud_server: {
      main: {
        name: "a.example.nl",
        public_net: [{ ipv4: "${hcloud_primary_ip.ipv4.id}" }],
        user_data: "${yamlencode({key = tls_private_key.host_key.private_key_openssh})}",
        depends_on: ["hcloud_primary_ip.ipv4"],
      },
    },
    docker_container: {
      web: {
        provider: "docker.main",
        image: "${data.docker_registry_image.nginx.sha256_digest}",
        name: "web",
        lifecycle: {
          create_before_destroy: true,
          ignore_changes: ["image"],
          replace_triggered_by: ["hcloud_server.main.id"],
        },
      },
    },
  },
  data: {
    docker_registry_image: { nginx: { provider: "docker.main", name: "nginx:1" } },
    hcloud_ssh_keys: { made: { with_selector: "organisation=a" } },
  },
  import: [
    {
      for_each: "${toset(data.hcloud_ssh_keys.made.ssh_keys[*].name)}",
      to: "hcloud_primary_ip.ipv4",
      id: "1",
    },
    { to: "tls_private_key.host_key", id: "2" },
  ],
  output: {
    address: { value: "${hcloud_primary_ip.ipv4.ip_address}" },
    container: { value: "${docker_container.web.ip_address}:${docker_container.web.name}" },
  },
};

describe("projecting a stack onto the providers that are there", () => {
  const { json, projected } = projectOntoProviders(stack, new Set(["tls"]));
  const standIns = json.resource!.terraform_data as Record<string, any>;

  it("keeps the available providers' blocks as they are", () => {
    expect(json.terraform!.required_providers).toEqual({ tls: {} });
    expect(json.provider).toEqual({ tls: [{}] });
    expect(json.resource!.tls_private_key).toEqual(stack.resource.tls_private_key);
    expect(standIns.machine).toEqual({
      triggers_replace: { id: "${terraform_data.hcloud_server__main.id}" },
    });
    expect(json.terraform!.backend).toEqual(stack.terraform.backend);
  });

  it("turns the others, data sources included, into terraform_data with their arguments as input", () => {
    expect([...projected].sort()).toEqual([
      "data.docker_registry_image.nginx",
      "data.hcloud_ssh_keys.made",
      "docker_container.web",
      "hcloud_primary_ip.ipv4",
      "hcloud_server.main",
    ]);
    expect(Object.keys(standIns).sort()).toEqual([
      "data__docker_registry_image__nginx",
      "data__hcloud_ssh_keys__made",
      "docker_container__web",
      "hcloud_primary_ip__ipv4",
      "hcloud_server__main",
      "machine",
    ]);
    expect(standIns.hcloud_primary_ip__ipv4).toEqual({ input: { name: "a-ipv4", type: "ipv4" } });
    expect(json.data).toBeUndefined();
  });

  it("points references at the stand-ins, and keeps references to real blocks", () => {
    const server = standIns.hcloud_server__main;
    expect(server.input.public_net).toEqual([{ ipv4: "${terraform_data.hcloud_primary_ip__ipv4.id}" }]);
    expect(server.input.user_data).toContain("tls_private_key.host_key.private_key_openssh");
    expect(server.depends_on).toEqual(["terraform_data.hcloud_primary_ip__ipv4"]);
    expect(standIns.docker_container__web.input.image).toBe(
      "${terraform_data.data__docker_registry_image__nginx.id}",
    );
    expect(json.output).toEqual({
      address: { value: "${terraform_data.hcloud_primary_ip__ipv4.id}" },
      container: {
        value:
          "${terraform_data.docker_container__web.id}:${terraform_data.docker_container__web.input.name}",
      },
    });
  });

  it("keeps the lifecycle Terraform itself acts on, without ignore_changes of the provider's attributes", () => {
    expect(standIns.docker_container__web.lifecycle).toEqual({
      create_before_destroy: true,
      replace_triggered_by: ["terraform_data.hcloud_server__main.id"],
    });
    expect(standIns.hcloud_primary_ip__ipv4).not.toHaveProperty("lifecycle");
  });

  it("drops the import blocks of projected resources, and keeps the others", () => {
    expect(json.import).toEqual([{ to: "tls_private_key.host_key", id: "2" }]);
    expect(projectOntoProviders(stack, new Set(["tls", "hcloud", "docker"])).json.import).toEqual(
      stack.import,
    );
  });

  it("knows a block's provider by its provider argument or its type", () => {
    expect(providerOf("docker_container", { provider: "docker.main" })).toBe("docker");
    expect(providerOf("null_resource", {})).toBe("null");
  });
});
