import { Resource } from "@cdktf/provider-null/lib/resource";
import path from "node:path";
import { loadOrganisations } from "../../../config/load";
import { resolveOrganisation } from "../../../config/model/organisation-model";
import type { Organisation } from "../../../config/schema";
import type { DatabaseCredentials } from "../../../constructs/app/database-credentials";
import { FailmapInstance } from "../../../constructs/app/failmap-instance";
import { ExistingHost } from "../../../constructs/host/existing-host";
import { policyStack, synthWithPolicy } from "../../support/policy-stack";

export const HOST_KEY =
  "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIAYLB61MYixZi/K9yIcLjjgUW+4vvH4bazPVx1Pgau3o host";

export function faalkaart(): Organisation {
  const loaded = loadOrganisations(path.join(__dirname, "../../../organisations"));
  const found = loaded.find((l) => l.organisation.name === "faalkaart");
  if (!found) throw new Error("organisations/faalkaart.yaml is missing");
  return found.organisation;
}

export function fakeDatabase(instance: string): DatabaseCredentials {
  return {
    instance,
    database: `failmap_${instance}`,
    full: { name: `failmap_${instance}`, password: `full-${instance}-pw` },
    readWrite: { name: `failmap_${instance}_rw`, password: `rw-${instance}-pw` },
    readOnly: { name: `failmap_${instance}_ro`, password: `ro-${instance}-pw` },
  };
}

/** Every instance of faalkaart on one existing host, waiting for a stand-in bootstrap. */
export function synthFaalkaart(org: Organisation = faalkaart()) {
  const stack = policyStack();
  const host = new ExistingHost(stack, "main", {
    fqdn: org.server.fqdn,
    address: "192.0.2.10",
    hostPublicKey: HOST_KEY,
  });
  const bootstrap = new Resource(stack, "bootstrap", {});
  host.markReady(bootstrap);
  const instances = resolveOrganisation(org).instances.map(
    (instance) =>
      new FailmapInstance(stack, `instance-${instance.name}`, {
        host,
        instance,
        database: fakeDatabase(instance.name),
      }),
  );
  const synthesized = synthWithPolicy(stack) as Synthesized;
  return { synthesized, instances, bootstrap, stack };
}

export interface Synthesized {
  resource: Record<string, Record<string, Record<string, unknown>>>;
  data?: Record<string, Record<string, Record<string, unknown>>>;
}
