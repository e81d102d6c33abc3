import type { IAspect } from "cdktf";
import type { IConstruct } from "constructs";
import { resourceAddress } from "../../constructs/host/resource-address";
import { dockerResourceOnHost } from "./docker-on-host";

/**
 * Every docker resource is replaced in the same apply as its host's machine. Its own arguments do not change
 * when the server is replaced, so without this it would come back only on a second apply, after a refresh
 * found it gone. Host.machine follows the machine only: a bootstrap re-run replaces nothing.
 */
export class ReplacedWithMachine implements IAspect {
  visit(node: IConstruct): void {
    const found = dockerResourceOnHost(node);
    if (!found) return;
    const { resource, host } = found;
    resource.lifecycle = { replaceTriggeredBy: [resourceAddress(host.machine)], ...resource.lifecycle };
  }
}
