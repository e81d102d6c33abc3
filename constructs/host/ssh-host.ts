import type { DockerProvider } from "@cdktf/provider-docker/lib/provider";
import type { ITerraformDependable, SSHProvisionerConnection } from "cdktf";
import { Construct } from "constructs";
import type { Host, InboundRule } from "./host";
import { sshConnection, sshDockerProvider } from "./ssh";

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

  sshConnection(): SSHProvisionerConnection {
    return sshConnection(this);
  }

  dockerProvider(): DockerProvider {
    this.docker ??= sshDockerProvider(this, `docker-${this.name}`, this);
    return this.docker;
  }
}
