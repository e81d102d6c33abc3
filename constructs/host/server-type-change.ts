import { DataResource } from "cdktf";
import { Construct } from "constructs";
import type { SshTarget } from "./ssh";
import { terraformLiteral } from "./terraform-literal";

/**
 * Runs on the operator's machine, before a Hetzner server's type changes. The hcloud provider powers a
 * running server off hard before it changes the type (terraform-provider-hcloud 1.64.0,
 * internal/server/resource.go, resourceServerUpdate: Poweroff, then ChangeType), which would cut MariaDB
 * and the containers off mid-write. So this stops them first, and flushes the disks.
 *
 * SERVER is the server's primary IPv4's assignee_id, the id of the server that holds the address: 0 before
 * the first server exists, when there is nothing to stop. When a server holds it and cannot be reached,
 * the script fails, and the apply stops before the power-off.
 */
export const STOP_BEFORE_TYPE_CHANGE_SCRIPT = [
  'if [ "${SERVER:-0}" = 0 ]; then',
  '  echo "no server holds $ADDRESS yet: nothing to stop before the server type $SERVER_TYPE"',
  "  exit 0",
  "fi",
  'echo "stopping Docker and MariaDB on $ADDRESS before its server type changes to $SERVER_TYPE"',
  'if ! ssh -o StrictHostKeyChecking=yes -o UserKnownHostsFile=/dev/null -o "KnownHostsCommand=/bin/echo %H $HOST_KEY" \\',
  '  -o BatchMode=yes -o ConnectTimeout=30 -p "$SSH_PORT" "$SSH_USER@$ADDRESS" \\',
  "  'for unit in docker.socket docker.service mariadb.service; do" +
    ' if systemctl cat "$unit" >/dev/null 2>&1; then sudo systemctl stop "$unit" || exit 1; fi;' +
    " done; sync'; then",
  '  echo "could not stop the services on $ADDRESS (server $SERVER): the type change would power it off with them running; stop them by hand (sudo systemctl stop docker.socket docker mariadb) and apply again" >&2',
  "  exit 1",
  "fi",
].join("\n");

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
    this.resource = new DataResource(this, "stop-services", {
      triggersReplace: { server_type: props.serverType },
      provisioners: [
        {
          type: "local-exec",
          interpreter: ["/bin/sh", "-c"],
          command: terraformLiteral(STOP_BEFORE_TYPE_CHANGE_SCRIPT),
          environment: {
            ADDRESS: props.address,
            SERVER: props.assigneeId,
            SSH_USER: props.target.deployUser,
            SSH_PORT: String(props.target.sshPort),
            HOST_KEY: props.target.hostPublicKey,
            SERVER_TYPE: props.serverType,
          },
        },
      ],
    });
  }
}
