import { Resource } from "@cdktf/provider-null/lib/resource";
import type { SshHost } from "../../constructs/host/ssh-host";

/** A host as a test needs it: bootstrapped, so everything that runs on it can wait for host.ready. */
export function ready<H extends SshHost>(host: H): H {
  host.markReady(new Resource(host, "bootstrap"));
  return host;
}
