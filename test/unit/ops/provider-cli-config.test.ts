import { PROVIDER_PLUGINS } from "../../../ops/providers/catalogue";
import { renderCliConfig } from "../../../ops/providers/cli-config";

const plugin = (type: string) => PROVIDER_PLUGINS.find((p) => p.type === type)!;
const ALL = PROVIDER_PLUGINS.map((p) => `"registry.terraform.io/${p.namespace}/${p.type}"`);

/** The addresses listed in each block of the config, by block: filesystem_mirror's path, or "direct". */
function blocks(config: string): Record<string, string[]> {
  const found: Record<string, string[]> = {};
  for (const [, kind, body] of config.matchAll(/^ {2}(filesystem_mirror|direct) \{\n([^}]*)^ {2}\}/gm)) {
    const key = kind === "direct" ? "direct" : /path += (".*")/.exec(body)![1];
    found[key] = [...body.matchAll(/"registry\.terraform\.io\/[^"]+"/g)].map(([address]) => address);
  }
  return found;
}

describe("the Terraform CLI config", () => {
  it("takes each plugin from the directory it was found in, and nothing from the registry when all are", () => {
    const config = renderCliConfig([
      { dir: "/repo/.terraform-providers/mirror", plugins: [plugin("tls"), plugin("random")] },
      {
        dir: "/usr/local/share/terraform/plugins",
        plugins: [plugin("hcloud"), plugin("acme"), plugin("docker"), plugin("null")],
      },
    ]);
    expect(blocks(config)).toEqual({
      '"/repo/.terraform-providers/mirror"': [
        '"registry.terraform.io/hashicorp/tls"',
        '"registry.terraform.io/hashicorp/random"',
      ],
      '"/usr/local/share/terraform/plugins"': [
        '"registry.terraform.io/hetznercloud/hcloud"',
        '"registry.terraform.io/vancluever/acme"',
        '"registry.terraform.io/kreuzwerker/docker"',
        '"registry.terraform.io/hashicorp/null"',
      ],
      direct: expect.arrayContaining(ALL),
    });
    expect(blocks(config).direct).toHaveLength(6);
  });

  it("lets the plugins not found here come from the registry", () => {
    const config = renderCliConfig([{ dir: "/m", plugins: [plugin("tls")] }]);
    expect(blocks(config)).toEqual({
      '"/m"': ['"registry.terraform.io/hashicorp/tls"'],
      direct: ['"registry.terraform.io/hashicorp/tls"'],
    });
  });

  it("installs everything from the registry when nothing is here, as Terraform does by default", () => {
    expect(blocks(renderCliConfig([]))).toEqual({ direct: [] });
  });

  it("quotes a directory's name so that Terraform reads it as it is", () => {
    const config = renderCliConfig([{ dir: '/tmp/a "b" \\ ${c}', plugins: [plugin("tls")] }]);
    expect(config).toContain('path    = "/tmp/a \\"b\\" \\\\ ${c}"');
  });
});
