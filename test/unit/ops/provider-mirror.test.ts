import { PROVIDER_PLUGINS } from "../../../ops/providers/catalogue";
import { explainFailure, renderCliConfig } from "../../../ops/providers/mirror";

const hcloud = PROVIDER_PLUGINS.find((p) => p.type === "hcloud")!;

describe("the provider mirror", () => {
  it("names the module and the proxy's own answer when the proxy refuses it", () => {
    const output =
      "go: github.com/hetznercloud/terraform-provider-hcloud@v1.64.0: reading " +
      "https://proxy.example/github.com/hetznercloud/terraform-provider-hcloud/@v/v1.64.0.zip: 403 Forbidden\n" +
      "\tserver response: This module version is not available.\n";
    expect(explainFailure(hcloud, output)).toBe(
      "github.com/hetznercloud/terraform-provider-hcloud@v1.64.0: the Go module proxy answered 403 Forbidden: " +
        '"This module version is not available."',
    );
  });

  it("keeps the end of the Go command's output for any other failure", () => {
    expect(explainFailure(hcloud, "a\nb\n./main.go:3: undefined: x\n")).toMatch(
      /go build failed: .*undefined: x$/,
    );
  });

  it("lets Terraform install from the mirror and from nowhere else", () => {
    const config = renderCliConfig("/srv/mirror");
    expect(config).toContain('path    = "/srv/mirror"');
    expect(config).toContain('include = ["registry.terraform.io/*/*"]');
    expect(config).not.toMatch(/direct\s*\{/);
  });
});
