import fs from "node:fs";
import path from "node:path";
import {
  CLIENT_CA_OUTPUT,
  CLIENT_CERTIFICATES_OUTPUT,
  type ClientCertificateOutput,
  type ClientCertificatesOutput,
} from "../../constructs/tls/client-certificate-outputs";
import { terraform } from "../state/terraform";

/** `terraform output -json`: every output by name, with its value. */
export type TerraformOutputs = Record<string, { readonly value?: unknown; readonly sensitive?: boolean }>;

export interface ClientBundle extends ClientCertificateOutput {
  readonly caPem: string;
}

/** The stack's outputs: from a file (tests, or a saved `terraform output -json`), or from terraform itself. */
export function readOutputs(org: string, projectRoot: string, file?: string): TerraformOutputs {
  if (file) return JSON.parse(fs.readFileSync(file, "utf8")) as TerraformOutputs;
  const stackDir = path.join(projectRoot, "cdktf.out", "stacks", `org-${org}`);
  if (!fs.existsSync(stackDir)) {
    throw new Error(`${stackDir} does not exist: run \`npx cdktf synth\` (and deploy org-${org} once) first`);
  }
  return JSON.parse(terraform(["output", "-json"], stackDir)) as TerraformOutputs;
}

/** One client's certificate, key and the CA, or an error that names the clients there are. */
export function clientBundle(outputs: TerraformOutputs, name: string): ClientBundle {
  const clients = outputs[CLIENT_CERTIFICATES_OUTPUT]?.value as ClientCertificatesOutput | undefined;
  const caPem = outputs[CLIENT_CA_OUTPUT]?.value;
  if (!clients || typeof caPem !== "string") {
    throw new Error(
      `the outputs have no ${CLIENT_CERTIFICATES_OUTPUT}/${CLIENT_CA_OUTPUT}: deploy the stack first (cdktf deploy)`,
    );
  }
  const client = clients[name];
  if (!client) {
    const known = Object.keys(clients).sort().join(", ") || "none";
    throw new Error(
      `no client certificate named '${name}' (known: ${known}); add the name to users (admin: true) or ` +
        "remoteWorkers.clients and deploy",
    );
  }
  return { ...client, caPem };
}
