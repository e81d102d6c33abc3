import { Network } from "@cdktf/provider-docker/lib/network";
import { Password } from "@cdktf/provider-random/lib/password";
import { Construct } from "constructs";
import { CONTAINER_LABELS } from "../../config/model/labels";
import type { InstanceModel } from "../../config/model/organisation-model";
import type { Instance } from "../../config/schema";
import type { Host } from "../host/host";
import { HostFiles } from "../host/host-files";
import type { InstanceContext } from "./app-container";
import { appEnv, renderEnvFile, type AppEnvSettings } from "./app-env";
import { Broker } from "./broker";
import type { DatabaseCredentials } from "./database-credentials";
import { manageCommand } from "../host/image-ref";
import { appEnvPath, instanceEnvPath, renderInstanceEnv } from "./instance-env";
import { Migrations } from "./migrations";
import type { InstanceNames } from "../../config/model/names";
import { PinnedImage } from "../host/pinned-image";
import type { InstancePorts } from "../../config/model/ports";
import { loopback } from "./ports";
import { WebApps } from "./web-apps";
import { Workers } from "./workers";

export interface FailmapInstanceProps {
  /** The host it runs on; its HostBootstrap must exist (every docker resource waits for host.ready). */
  readonly host: Host;
  /** The instance as the organisation model resolved it: its name, slot, ports, names and settings. */
  readonly instance: InstanceModel;
  /** Its database and accounts, made on the host by the bootstrap. */
  readonly database: DatabaseCredentials;
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

/** What the layers around an instance (the broker endpoint, worker hosts) need of it. */
export interface IFailmapInstance {
  /** The instance as the organisation model resolved it, with its workers and where each one runs. */
  readonly model: InstanceModel;
  readonly name: string;
  readonly instance: Instance;
  readonly names: InstanceNames;
  readonly broker: InstanceBroker;
  /** repository@sha256:... of the app image its containers run. */
  readonly image: string;
}

/**
 * One Failmap instance (production, staging, ...) on a host: its docker network, redis broker, the web apps,
 * the Celery workers and scheduler, the migrations that gate a new image, and the env files the host commands
 * share with the containers. Everything is namespaced by the instance name and port block, so instances share
 * a host without colliding.
 */
export class FailmapInstance extends Construct implements IFailmapInstance {
  readonly model: InstanceModel;
  /** The instance's key in the organisation file, e.g. production. */
  readonly name: string;
  /** Its settings from the organisation file. */
  readonly instance: Instance;
  readonly names: InstanceNames;
  readonly ports: InstancePorts;
  /** The port slot the ports come from. */
  readonly slot: number;
  readonly upstreams: InstanceUpstreams;
  readonly broker: InstanceBroker;
  /** repository@sha256:... of the app image the containers run. */
  readonly image: string;
  /** /etc/failmap/<instance>/app.env (root, 0600): the full-privilege settings, as the containers get them. */
  readonly envFile: string;

  constructor(scope: Construct, id: string, props: FailmapInstanceProps) {
    super(scope, id);
    const { host, instance: model } = props;
    const instance = model.settings;
    const name = model.name;
    if (props.database.instance !== name) {
      throw new Error(
        `FailmapInstance ${name}: got the database credentials of '${props.database.instance}'; ` +
          `pass the credentials created for ${name}`,
      );
    }
    this.model = model;
    this.name = name;
    this.instance = instance;
    this.names = model.names;
    this.ports = model.ports;
    this.slot = model.slot;
    const provider = host.dockerProvider();

    const network = new Network(this, "network", {
      provider,
      name: this.names.network,
      labels: [{ label: CONTAINER_LABELS.instance, value: name }],
    });
    const context: InstanceContext = {
      host,
      instance: name,
      names: this.names,
      network,
    };

    const broker = new Broker(this, "broker", {
      context,
      hostPort: this.ports.broker,
    });
    this.broker = { address: broker.address, password: broker.password };

    const image = new PinnedImage(this, "image", {
      host,
      reference: instance.image,
    });
    this.image = image.pinned;

    const env: AppEnvSettings = {
      instance: model,
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
      dependsOn: [host.ready],
    });

    const migrations = new Migrations(this, "migrations", {
      host,
      names: this.names,
      imageId: image.id,
      envFile: this.envFile,
      dependsOn: [image.image, network, files.resource],
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
      host,
      instance: model,
      site: { kind: "main", network },
      env,
      image: { id: image.id, manageCommand: manageCommand(image.ref) },
      dependsOn: appsWaitFor,
    });
  }
}
