import { dependable, type IAspect } from "cdktf";
import type { IConstruct } from "constructs";
import { dockerResourceOnHost } from "./docker-on-host";

/**
 * Every docker resource waits for its host's bootstrap (Host.ready): Docker, the deploy user and the folders
 * its files go to come from there. It comes first among the resource's dependencies, before what its
 * construct adds (config files, migrations).
 */
export class AfterBootstrap implements IAspect {
  /** Aspects run on every synth of the stack (a test may synthesize twice): each resource gets it once. */
  private readonly done = new WeakSet<IConstruct>();

  visit(node: IConstruct): void {
    const found = dockerResourceOnHost(node);
    if (!found || this.done.has(node)) return;
    this.done.add(node);
    const { resource, host } = found;
    resource.dependsOn = [dependable(host.ready), ...(resource.dependsOn ?? [])];
  }
}
