import { PROVIDER_PLUGINS } from "../../../ops/providers/catalogue";
import { explainFailure } from "../../../ops/providers/mirror";

const tls = PROVIDER_PLUGINS.find((p) => p.type === "tls")!.goModule!;

describe("building a plugin from its Go module", () => {
  it("names the module and the proxy's own answer when the proxy refuses it", () => {
    const output =
      `go: ${tls.path}@${tls.version}: reading ` +
      `https://proxy.example/${tls.path}/@v/${tls.version}.zip: 403 Forbidden\n` +
      "\tserver response: This module version is not available.\n";
    expect(explainFailure(tls, output)).toBe(
      `${tls.path}@${tls.version}: the Go module proxy answered 403 Forbidden: ` +
        '"This module version is not available."',
    );
  });

  it("keeps the end of the Go command's output for any other failure", () => {
    expect(explainFailure(tls, "a\nb\n./main.go:3: undefined: x\n")).toMatch(
      /go build failed: .*undefined: x$/,
    );
  });

  it("is done only for tls and random: the other four come from where Terraform looks, or its registry", () => {
    expect(PROVIDER_PLUGINS.filter((p) => p.goModule).map((p) => p.type)).toEqual(["random", "tls"]);
  });
});
