import { mirroredReference } from "../../../constructs/host/image-lookup";
import { loadExample, synthOrganisation } from "../../support/organisations";

describe("a registry mirror", () => {
  it.each([
    ["redis:7-alpine", "mirror.test:5000/library/redis:7-alpine"],
    ["websecmap/websecmap:latest", "mirror.test:5000/websecmap/websecmap:latest"],
    ["gcr.io/cadvisor/cadvisor:v0.49.1", "mirror.test:5000/gcr.io/cadvisor/cadvisor:v0.49.1"],
    ["localhost/x/y@sha256:" + "a".repeat(64), "mirror.test:5000/localhost/x/y@sha256:" + "a".repeat(64)],
  ])("serves %s as %s", (reference, mirrored) => {
    expect(mirroredReference(reference, "mirror.test:5000")).toBe(mirrored);
  });

  it("leaves references alone when none is set", () => {
    expect(mirroredReference("redis:7-alpine", undefined)).toBe("redis:7-alpine");
  });

  it("is where every image of the stack comes from, monitoring and worker hosts included", () => {
    const synth = synthOrganisation(
      loadExample("faalkaart", (d) => (d.images = { registryMirror: "registry.rehearsal.test:5000" })),
    );
    const names = [
      ...Object.values<any>(synth.resource.docker_image).map((i) => i.name),
      ...Object.values<any>(synth.data.docker_registry_image).map((i) => i.name),
    ];
    expect(names.length).toBeGreaterThan(10);
    expect(names.filter((n) => !n.startsWith("registry.rehearsal.test:5000/"))).toEqual([]);
  });
});
