import { TerraformResource } from "cdktf";
import type { IConstruct } from "constructs";
import type { Host } from "../../constructs/host/host";
import { SshHost } from "../../constructs/host/ssh-host";

/**
 * A docker resource (container, image, network, volume) and the host whose docker provider manages it: the
 * provider is made by the host (Host.dockerProvider), so the resource lives on that host's machine.
 * undefined for anything else.
 */
export function dockerResourceOnHost(
  node: IConstruct,
): { resource: TerraformResource; host: Host } | undefined {
  if (!(node instanceof TerraformResource) || !node.terraformResourceType.startsWith("docker_"))
    return undefined;
  const host = node.provider?.node.scope;
  return host instanceof SshHost ? { resource: node, host } : undefined;
}
