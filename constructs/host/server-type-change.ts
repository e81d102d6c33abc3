import { DataResource, type ITerraformDependable } from "cdktf";
import { Construct } from "constructs";
import type { SshTarget } from "./ssh";
import { terraformLiteral } from "./terraform-literal";
import { renderPowerOnAfterTypeChange, STOP_BEFORE_TYPE_CHANGE_SCRIPT } from "./type-change-scripts";

interface TypeChangeStepProps {
  readonly serverType: string;
  readonly interpreter: readonly string[];
  readonly script: string;
  /** The script's environment; SERVER_TYPE (the new type) is added. */
  readonly environment: Readonly<Record<string, string>>;
  readonly dependsOn?: readonly ITerraformDependable[];
}

/** A script on the operator's machine, replaced (and so run) whenever the server type changes. */
function typeChangeStep(scope: Construct, id: string, props: TypeChangeStepProps): DataResource {
  return new DataResource(scope, id, {
    triggersReplace: { server_type: props.serverType },
    dependsOn: props.dependsOn ? [...props.dependsOn] : undefined,
    provisioners: [
      {
        type: "local-exec",
        interpreter: [...props.interpreter],
        command: terraformLiteral(props.script),
        environment: { ...props.environment, SERVER_TYPE: props.serverType },
      },
    ],
  });
}

export interface ServerTypeChangeProps {
  /** Who to log in as, and the pinned host key. */
  readonly target: SshTarget;
  /** The server's primary IPv4 address: known before the server exists, and kept when it is replaced. */
  readonly address: string;
  /** The id of the server that holds the address (the primary IP's assignee_id); 0 when none does. */
  readonly assigneeId: string;
  readonly serverType: string;
}

/**
 * A step that the server depends on, replaced (and so run) whenever the server type changes. Terraform
 * completes every action on a dependency before it acts on the resource that depends on it, creates
 * included, so the services are down before the provider powers the server off. Not a destroy-time
 * provisioner: those run only when the resource itself is destroyed, never before another's update.
 */
export class ServerTypeChange extends Construct {
  readonly resource: DataResource;

  constructor(scope: Construct, id: string, props: ServerTypeChangeProps) {
    super(scope, id);
    this.resource = typeChangeStep(this, "stop-services", {
      serverType: props.serverType,
      interpreter: ["/bin/sh", "-c"],
      script: STOP_BEFORE_TYPE_CHANGE_SCRIPT,
      environment: {
        ADDRESS: props.address,
        SERVER: props.assigneeId,
        SSH_USER: props.target.deployUser,
        SSH_PORT: String(props.target.sshPort),
        HOST_KEY: props.target.hostPublicKey,
      },
    });
  }
}

export interface PowerOnAfterTypeChangeProps {
  /** The server's id. */
  readonly serverId: string;
  readonly serverType: string;
  /** The server: the step runs after its update. */
  readonly dependsOn: readonly ITerraformDependable[];
}

/** A step after the server, replaced (and so run) whenever the server type changes: powers it on again. */
export class PowerOnAfterTypeChange extends Construct {
  readonly resource: DataResource;

  constructor(scope: Construct, id: string, props: PowerOnAfterTypeChangeProps) {
    super(scope, id);
    this.resource = typeChangeStep(this, "power-on", {
      serverType: props.serverType,
      interpreter: ["node", "-e"],
      script: renderPowerOnAfterTypeChange(),
      environment: { SERVER: props.serverId },
      dependsOn: props.dependsOn,
    });
  }
}
