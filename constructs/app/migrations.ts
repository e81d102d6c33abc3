import { Resource } from "@cdktf/provider-null/lib/resource";
import type { ITerraformDependable } from "cdktf";
import { Construct } from "constructs";
import type { Host } from "../host/host";
import { shellQuote } from "../host/host-files";
import { MARIADB_SOCKET_DIR } from "../bootstrap/mariadb-socket";
import type { InstanceNames } from "../../config/model/names";

export interface MigrationsProps {
  readonly host: Host;
  readonly names: InstanceNames;
  /** The local image id (sha256:...): a new one runs the migrations again. */
  readonly imageId: string;
  /** The env file with the full database user (app.env). */
  readonly envFile: string;
  /** The image pull, the network and the env file; the host's bootstrap (and database grants) come first anyway. */
  readonly dependsOn: readonly ITerraformDependable[];
}

/**
 * `migrate --noinput` in a one-off container, once per image, before the app containers are replaced.
 *
 * A null_resource over SSH rather than a docker_container with attach/must_run=false: the provider does not
 * fail on a non-zero exit code, `rm` with `attach` loses the container before it is read back
 * (kreuzwerker/terraform-provider-docker#639), and a replaced must_run=false container fails every other run
 * (#542). Here a failed migration fails the apply, stops the new image from being rolled out, and, being
 * tainted, runs again on the next apply. The app containers depend on this, so the new ones start only after
 * the schema is migrated; each is replaced on its own (its stop grace, then its start), while nginx serves its
 * stale cache.
 */
export class Migrations extends Construct {
  readonly resource: Resource;

  constructor(scope: Construct, id: string, props: MigrationsProps) {
    super(scope, id);
    this.resource = new Resource(this, "migrate", {
      triggers: { machine: props.host.machineId, image: props.imageId },
      connection: props.host.sshConnection(),
      provisioners: [{ type: "remote-exec", inline: ["set -e", migrateCommand(props)] }],
      dependsOn: [props.host.ready, ...props.dependsOn],
      // The new image's migration runs before the old one is let go, not after every app container of the
      // instance is destroyed: with destroy-before-create, Terraform destroys each dependent first, so the
      // frontend and admin would wait out the workers' 300 s stop grace before they could start again.
      lifecycle: { createBeforeDestroy: true },
    });
  }
}

/**
 * The fixed name doubles as a lock: a second migration of the same instance cannot start while one runs.
 */
export function migrateCommand(props: Pick<MigrationsProps, "names" | "imageId" | "envFile">): string {
  return [
    "sudo docker run --rm",
    `--name ${props.names.container("migrate")}`,
    `--network ${props.names.network}`,
    `--env-file ${shellQuote(props.envFile)}`,
    `--mount type=bind,source=${MARIADB_SOCKET_DIR},target=${MARIADB_SOCKET_DIR},readonly`,
    shellQuote(props.imageId),
    "migrate --noinput",
  ].join(" ");
}
