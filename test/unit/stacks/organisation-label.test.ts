import { loadOrganisations } from "../../../config/load";
import { FailmapContainer } from "../../../constructs/app/failmap-container";
import { ExistingHost } from "../../../constructs/host/existing-host";
import { PinnedImage } from "../../../constructs/host/pinned-image";
import { ORGANISATIONS_DIR, synthOrganisation } from "../../support/organisations";
import { policyStack, synthWithPolicy } from "../../support/policy-stack";
import { ready } from "../../support/ready-host";

/*
 * The stack's policy (stacks/aspects/organisation-label.ts): every container carries its organisation's
 * failmap.organisation label, by which failmap-deploy, failmap-rollback and the dashboards find that
 * organisation's containers on a host.
 */
type Labels = { label: string; value: string }[];

describe.each(
  loadOrganisations(ORGANISATIONS_DIR).map((o) => [o.organisation.name, o.organisation] as const),
)("org-%s", (name, organisation) => {
  it("labels every container with the organisation, first among its labels", () => {
    const containers = Object.entries<{ labels: Labels }>(
      synthOrganisation(organisation).resource.docker_container,
    );
    expect(containers.length).toBeGreaterThan(0);
    for (const [id, container] of containers) {
      expect({ id, first: container.labels[0] }).toEqual({
        id,
        first: { label: "failmap.organisation", value: name },
      });
      expect(container.labels.filter((l) => l.label === "failmap.organisation")).toHaveLength(1);
    }
  });
});

describe("a container however it was made", () => {
  it("gets the stack's organisation label, in place of another organisation's", () => {
    const stack = policyStack("faalkaart");
    const host = ready(
      new ExistingHost(stack, "main", {
        fqdn: "a.example.org",
        address: "192.0.2.1",
        hostPublicKey: "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIImN/r5l6haFiGmm181HYy2YdG8BycfehwkSuVzopHBE x",
      }),
    );
    const image = new PinnedImage(stack, "image", { host, reference: "redis:7" });
    new FailmapContainer(stack, "thing", {
      host,
      identity: { role: "thing" },
      name: "failmap-thing",
      image: image.id,
      memoryMb: 64,
    });
    const other = new FailmapContainer(stack, "other", {
      host,
      identity: { role: "other" },
      name: "failmap-other",
      image: image.id,
      memoryMb: 64,
    });
    other.putLabels([
      ...(other.labelsInput as Labels),
      { label: "failmap.organisation", value: "someone-else" },
    ]);
    const containers = synthWithPolicy(stack).resource.docker_container;
    const labelsOf = (name: string) =>
      Object.values<{ name: string; labels: Labels }>(containers).find((c) => c.name === name)?.labels;
    expect([labelsOf("failmap-thing"), labelsOf("failmap-other")]).toEqual([
      [
        { label: "failmap.organisation", value: "faalkaart" },
        { label: "failmap.role", value: "thing" },
      ],
      [
        { label: "failmap.organisation", value: "faalkaart" },
        { label: "failmap.role", value: "other" },
      ],
    ]);
  });
});
