import fs from "node:fs";
import {
  CLIENT_CA_OUTPUT,
  CLIENT_CERTIFICATES_OUTPUT,
  type ClientCertificateOutput,
  type ClientCertificatesOutput,
} from "../../constructs/tls/client-certificate-outputs";
import { withDeployedState } from "../state/deployed-state";
import { terraform } from "../state/terraform";

/** `terraform output -json`: every output by name, with its value. */
export type TerraformOutputs = Record<string, { readonly value?: unknown; readonly sensitive?: boolean }>;

export interface ClientBundle extends ClientCertificateOutput {
  readonly caPem: string;
}

/**
 * The stack's outputs: from a file (tests, or a saved `terraform output -json`), or from the organisation's
 * deployed state, which says what to do when there is none.
 */
export function readOutputs(org: string, file?: string): TerraformOutputs {
  if (file) return JSON.parse(fs.readFileSync(file, "utf8")) as TerraformOutputs;
  return withDeployedState(org, ({ workdir, env }) =>
    JSON.parse(terraform(["output", "-json", "-no-color"], workdir, env)),
  ) as TerraformOutputs;
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
