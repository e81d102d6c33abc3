import type { DockerProvider } from "@cdktf/provider-docker/lib/provider";
import { DataResource, type ITerraformDependable, type SSHProvisionerConnection } from "cdktf";
import { Construct } from "constructs";
import { DnsRecords } from "./dns-records";
import { hostNetworks, type Host, type InboundRule } from "./host";
import { sshConnection, sshDockerProvider } from "./ssh";
import { WaitForDns } from "./wait-for-dns";

/** A Hetzner DNS zone and the names (besides the host's FQDN) that point at the host. */
export interface HostDns {
  readonly zone: string;
  readonly names: readonly string[];
}

/** What every Host shares, however it came to exist: inbound rules, SSH access and a docker provider. */
export abstract class SshHost extends Construct implements Host {
  abstract readonly fqdn: string;
  abstract readonly ipv4Address: string;
  abstract readonly ipv6Address?: string;
  abstract readonly machineId: string;
  abstract readonly deployUser: string;
  abstract readonly sshPort: number;
  abstract readonly hostPublicKey: string;
  abstract readonly reachable: ITerraformDependable;
  private readonly rules: InboundRule[] = [];
  private docker?: DockerProvider;
  private identity?: DataResource;
  private bootstrap?: ITerraformDependable;

  constructor(
    scope: Construct,
    readonly name: string,
  ) {
    super(scope, name);
  }

  get inboundRules(): readonly InboundRule[] {
    return this.rules;
  }

  allowInbound(rule: InboundRule): void {
    this.rules.push(rule);
  }

  allowFrom(other: Host, rule: Omit<InboundRule, "sources">): void {
    this.rules.push({ ...rule, sources: hostNetworks(other) });
  }

  get ready(): ITerraformDependable {
    if (!this.bootstrap) {
      throw new Error(
        `${this.node.path} has no HostBootstrap yet: create the host's HostBootstrap before anything that runs on it`,
      );
    }
    return this.bootstrap;
  }

  markReady(bootstrap: ITerraformDependable): void {
    if (this.bootstrap)
      throw new Error(`${this.node.path} is bootstrapped twice: create one HostBootstrap per host`);
    this.bootstrap = bootstrap;
  }

  /**
   * Creates the host's DNS records (when its zone is in Hetzner DNS) and the wait until its FQDN resolves to
   * `address`, which waits for those records, so no connection races a record that is not there yet, and
   * for `after` (a server powered on again after a type change).
   */
  protected awaitName(
    address: string,
    dns: HostDns | undefined,
    after: readonly ITerraformDependable[] = [],
  ): ITerraformDependable {
    const records = dns
      ? new DnsRecords(this, "dns-records", {
          host: this,
          zone: dns.zone,
          names: [...new Set([this.fqdn, ...dns.names])],
        }).records
      : [];
    return new WaitForDns(this, "dns", { fqdn: this.fqdn, address, dependsOn: [...records, ...after] })
      .resource;
  }

  sshConnection(): SSHProvisionerConnection {
    return sshConnection(this);
  }

  get machine(): DataResource {
    this.identity ??= new DataResource(this, "machine", { triggersReplace: { id: this.machineId } });
    return this.identity;
  }

  dockerProvider(): DockerProvider {
    this.docker ??= sshDockerProvider(this, `docker-${this.name}`, this);
    return this.docker;
  }
}
