import type { TerraformResourceLifecycle } from "cdktf";
import type { Host } from "./host";
import { resourceAddress } from "./resource-address";

/**
 * The lifecycle of a resource that lives on `host`'s machine (a container, image, network or volume): replaced
 * in the same apply as the machine. Its own arguments do not change when the server is replaced, so without
 * this it would come back only on a second apply, after a refresh found it gone. A bootstrap re-run
 * replaces nothing: Host.machine follows the machine only.
 */
export function replacedWithMachine(host: Host): TerraformResourceLifecycle {
  return { replaceTriggeredBy: [resourceAddress(host.machine)] };
}
