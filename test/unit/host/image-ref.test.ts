import { manageCommand, parseImageRef } from "../../../constructs/host/image-ref";

const DIGEST = `sha256:${"a".repeat(64)}`;

describe("image references", () => {
  it.each([
    ["websecmap/websecmap:latest", { repository: "websecmap/websecmap", tag: "latest" }],
    ["redis", { repository: "redis" }],
    ["ghcr.io/org/websecmap:v1.2", { repository: "ghcr.io/org/websecmap", tag: "v1.2" }],
    [`websecmap/websecmap@${DIGEST}`, { repository: "websecmap/websecmap", digest: DIGEST }],
    [`websecmap/websecmap:1.0@${DIGEST}`, { repository: "websecmap/websecmap", tag: "1.0", digest: DIGEST }],
  ])("%s", (reference, expected) => {
    expect(parseImageRef(reference)).toEqual({ tag: undefined, digest: undefined, ...expected });
  });

  it("refuses a malformed digest", () => {
    expect(() => parseImageRef("websecmap/websecmap@sha256:abc")).toThrow(/not a docker image reference/);
  });

  it("names the management command after the image", () => {
    expect(manageCommand(parseImageRef("websecmap/websecmap:latest"))).toBe("websecmap");
    expect(manageCommand(parseImageRef("failmap/failmap"))).toBe("failmap");
  });
});
