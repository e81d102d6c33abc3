import type { TerraformStack } from "cdktf";
import fs from "node:fs";
import path from "node:path";
import { loadFiles } from "../../../config/load";
import { resolveOrganisation } from "../../../config/model/organisation-model";
import type { Organisation } from "../../../config/schema";
import { ExistingHost } from "../../../constructs/host/existing-host";
import { Monitoring, type MonitoringProps } from "../../../constructs/monitoring/monitoring";
import { ready } from "../../support/ready-host";
import { policyStack, synthWithPolicy } from "../../support/policy-stack";

/** The example organisation that ships with the project. */
export function faalkaart(): Organisation {
  const file = path.join(__dirname, "../../../organisations/faalkaart.yaml");
  return loadFiles([{ file, text: fs.readFileSync(file, "utf8") }])[0].organisation;
}

const HOST_KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIAYLB61MYixZi/K9yIcLjjgUW+4vvH4bazPVx1Pgau3o host";

export const BROKERS = [
  { instance: "production", slot: 11, address: "127.0.0.1:16379", password: "production-secret" },
  { instance: "staging", slot: 3, address: "127.0.0.1:16380", password: "staging-secret" },
];

export interface SynthResult {
  readonly json: {
    resource: Record<string, Record<string, Record<string, unknown>>>;
  };
  readonly monitoring: Monitoring;
  readonly main: ExistingHost;
  readonly worker: ExistingHost;
  readonly stack: TerraformStack;
}

/** A stack with a main host, one extra worker host and the Monitoring of the example organisation. */
export function synthMonitoring(overrides: Partial<MonitoringProps> = {}): SynthResult {
  const stack = policyStack();
  const main = ready(
    new ExistingHost(stack, "main", {
      fqdn: "faalserver.faalkaart.nl",
      address: "203.0.113.10",
      hostPublicKey: HOST_KEY,
    }),
  );
  const worker = ready(
    new ExistingHost(stack, "scanners-1", {
      fqdn: "scanners-1.faalkaart.nl",
      address: "203.0.113.20",
      hostPublicKey: HOST_KEY,
    }),
  );
  const monitoring = new Monitoring(stack, "monitoring", {
    organisation: resolveOrganisation(faalkaart()),
    mainHost: main,
    workerHosts: [worker],
    brokers: BROKERS,
    ...overrides,
  });
  return { json: synthWithPolicy(stack) as SynthResult["json"], monitoring, main, worker, stack };
}

/** The docker containers of a synthesized stack, by container name. */
export function containersByName(json: SynthResult["json"]): Map<string, Record<string, unknown>> {
  const containers = Object.values(json.resource.docker_container ?? {});
  return new Map(containers.map((c) => [c.name as string, c]));
}

/** The files HostFiles uploads, by destination path, from the null_resource provisioners. */
export function uploadedFiles(json: SynthResult["json"]): Map<string, string> {
  const files = new Map<string, string>();
  const staged = new Map<string, string>();
  for (const resource of Object.values(json.resource.null_resource ?? {})) {
    const provisioners = (resource.provisioner ?? []) as Record<string, Record<string, unknown>>[];
    for (const p of provisioners) {
      if (p.file) staged.set(p.file.destination as string, p.file.content as string);
      const inline = (p["remote-exec"]?.inline ?? []) as string[];
      for (const line of inline) {
        const m = /^sudo install .* (\S+) (\S+)$/.exec(line);
        if (m && staged.has(m[1])) files.set(m[2], staged.get(m[1])!);
      }
    }
  }
  return files;
}

/** The follow-up commands (HostFiles `then:`) of every HostFiles, flattened. */
export function followUpCommands(json: SynthResult["json"]): string[] {
  return Object.values(json.resource.null_resource ?? {}).flatMap((r) => {
    const provisioners = (r.provisioner ?? []) as Record<string, Record<string, unknown>>[];
    return provisioners.flatMap((p) =>
      ((p["remote-exec"]?.inline ?? []) as string[]).filter((l) => l.startsWith("sudo sh -c")),
    );
  });
}
