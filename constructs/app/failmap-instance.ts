import { Network } from "@cdktf/provider-docker/lib/network";
import { Password } from "@cdktf/provider-random/lib/password";
import type { ITerraformDependable } from "cdktf";
import { Construct } from "constructs";
import type { Instance, Organisation } from "../../config/schema";
import type { Host } from "../host/host";
import { HostFiles } from "../host/host-files";
import type { InstanceContext } from "./app-container";
import { appEnv, renderEnvFile, type AppEnvSettings } from "./app-env";
import { Broker } from "./broker";
import type { DatabaseCredentials } from "./database-credentials";
import { manageCommand } from "../host/image-ref";
import { appEnvPath, instanceEnvPath, renderInstanceEnv } from "./instance-env";
import { Migrations } from "./migrations";
import { instanceNames, type InstanceNames } from "./names";
import { PinnedImage } from "../host/pinned-image";
import { instancePorts, loopback, type InstancePorts } from "./ports";
import { WebApps } from "./web-apps";
import { Workers } from "./workers";

export interface FailmapInstanceProps {
  readonly host: Host;
  readonly organisation: Organisation;
  /** The instance's key in the organisation file, e.g. production. */
  readonly name: string;
  readonly instance: Instance;
  /** The instance's position in the organisation file: it picks the instance's block of host ports. */
  readonly index: number;
  readonly database: DatabaseCredentials;
  /** The host bootstrap and the database grants: every docker resource and the migrations wait for them. */
  readonly dependsOn: readonly ITerraformDependable[];
}

/** Where nginx finds the instance's apps, as 127.0.0.1:port. */
export interface InstanceUpstreams {
  readonly frontend: string;
  readonly admin: string;
  /** Only when the instance runs the interactive app. */
  readonly interactive?: string;
}

export interface InstanceBroker {
  /** 127.0.0.1:port on the host, for the broker TLS endpoint and monitoring. */
  readonly address: string;
  /** The redis password (a token); remote workers put it in their BROKER URL. */
  readonly password: string;
}

/**
 * One Failmap instance (production, staging, ...) on a host: its docker network, redis broker, the web apps,
 * the Celery workers and scheduler, the migrations that gate a new image, and the env files the host commands
 * share with the containers. Everything is namespaced by the instance name and port block, so instances share
 * a host without colliding.
 */
export class FailmapInstance extends Construct {
  /** The instance's key in the organisation file, e.g. production. */
  readonly name: string;
  /** Its settings from the organisation file. */
  readonly instance: Instance;
  readonly names: InstanceNames;
  readonly ports: InstancePorts;
  readonly upstreams: InstanceUpstreams;
  readonly broker: InstanceBroker;
  /** repository@sha256:... of the app image the containers run. */
  readonly image: string;
  /** /etc/failmap/<instance>/app.env (root, 0600): the full-privilege settings, as the containers get them. */
  readonly envFile: string;

  constructor(scope: Construct, id: string, props: FailmapInstanceProps) {
    super(scope, id);
    const { host, instance, name } = props;
    if (!(name in props.organisation.instances)) {
      throw new Error(
        `FailmapInstance ${name}: organisation ${props.organisation.name} has no such instance`,
      );
    }
    if (props.database.instance !== name) {
      throw new Error(
        `FailmapInstance ${name}: got the database credentials of '${props.database.instance}'; ` +
          `pass the credentials created for ${name}`,
      );
    }
    this.name = name;
    this.instance = instance;
    this.names = instanceNames(name);
    this.ports = instancePorts(props.index);
    const provider = host.dockerProvider();

    const network = new Network(this, "network", {
      provider,
      name: this.names.network,
      labels: [{ label: "failmap.instance", value: name }],
      dependsOn: [...props.dependsOn],
    });
    const context: InstanceContext = {
      host,
      organisation: props.organisation.name,
      instance: name,
      names: this.names,
      network,
      dependsOn: props.dependsOn,
    };

    const broker = new Broker(this, "broker", {
      context,
      hostPort: this.ports.broker,
    });
    this.broker = { address: broker.address, password: broker.password };

    const image = new PinnedImage(this, "image", {
      host,
      reference: instance.image,
      dependsOn: props.dependsOn,
    });
    this.image = image.pinned;

    const env: AppEnvSettings = {
      instance,
      database: props.database,
      secretKey: new Password(this, "secret-key", { length: 64, special: false }).result,
      brokerUrl: broker.url(),
    };
    this.envFile = appEnvPath(this.names);
    this.upstreams = {
      frontend: loopback(this.ports.frontend),
      admin: loopback(this.ports.admin),
      interactive: instance.interactive ? loopback(this.ports.interactive) : undefined,
    };

    const files = new HostFiles(this, "env-files", {
      host,
      files: [
        { path: this.envFile, content: renderEnvFile(appEnv({ kind: "tooling" }, env)), mode: "0600" },
        {
          path: instanceEnvPath(this.names),
          content: renderInstanceEnv({
            instance: name,
            names: this.names,
            image: image.pinned,
            domain: instance.domain,
            adminDomain: instance.admin,
            adminUpstream: this.upstreams.admin,
          }),
        },
      ],
      dependsOn: props.dependsOn,
    });

    const migrations = new Migrations(this, "migrations", {
      host,
      names: this.names,
      imageId: image.id,
      envFile: this.envFile,
      dependsOn: [...props.dependsOn, image.image, network, files.resource],
    });

    const appsWaitFor = [migrations.resource, broker.container];
    new WebApps(this, "web", {
      context,
      instance,
      env,
      image: image.id,
      ports: this.ports,
      dependsOn: appsWaitFor,
    });
    new Workers(this, "workers", {
      context,
      workers: instance.workers,
      env,
      image: image.id,
      manageCommand: manageCommand(image.ref),
      dependsOn: appsWaitFor,
    });
  }
}
