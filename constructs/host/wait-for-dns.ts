import { Resource } from "@cdktf/provider-null/lib/resource";
import type { ITerraformDependable } from "cdktf";
import { Construct } from "constructs";
import { terraformLiteral } from "./terraform-literal";

/**
 * Runs on the operator's machine. The docker provider and the SSH connections address the host by its
 * FQDN, so nothing may connect before that name resolves to the server (new DNS records take a while).
 */
export const WAIT_FOR_DNS_SCRIPT = [
  'attempts="${WAIT_ATTEMPTS:-60}"',
  'while [ "$attempts" -gt 0 ]; do',
  '  if getent ahosts "$FQDN" | awk \'{print $1}\' | grep -Fxq "$ADDRESS"; then exit 0; fi',
  '  attempts=$((attempts - 1)); sleep "${WAIT_INTERVAL:-10}"',
  "done",
  'echo "$FQDN does not resolve to $ADDRESS: check its A/AAAA records" >&2',
  "exit 1",
].join("\n");

export interface WaitForDnsProps {
  readonly fqdn: string;
  readonly address: string;
  /**
   * The records that make the name resolve, when this stack manages them.
   * @default - none: the name is managed outside the stack
   */
  readonly dependsOn?: readonly ITerraformDependable[];
}

export class WaitForDns extends Construct {
  readonly resource: Resource;

  constructor(scope: Construct, id: string, props: WaitForDnsProps) {
    super(scope, id);
    this.resource = new Resource(this, "wait", {
      dependsOn: props.dependsOn ? [...props.dependsOn] : undefined,
      triggers: { fqdn: props.fqdn, address: props.address },
      provisioners: [
        {
          type: "local-exec",
          interpreter: ["/bin/sh", "-c"],
          command: terraformLiteral(WAIT_FOR_DNS_SCRIPT),
          environment: { FQDN: props.fqdn, ADDRESS: props.address },
        },
      ],
    });
  }
}
