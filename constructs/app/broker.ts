import type { Container } from "@cdktf/provider-docker/lib/container";
import { Volume } from "@cdktf/provider-docker/lib/volume";
import { Password } from "@cdktf/provider-random/lib/password";
import { Construct } from "constructs";
import { CONTAINER_LABELS } from "../../config/model/labels";
import { appContainer, type InstanceContext } from "./app-container";
import { redisHealthcheck } from "./healthchecks";
import { PinnedImage } from "../host/pinned-image";
import { BROKER_PORT, loopback } from "./ports";
import { renderRedisConfig } from "./redis-config";

/** The broker's image: Debian's redis would do as well; this one is small and its entrypoint drops to redis. */
export const BROKER_IMAGE = "redis:7-alpine";

export interface BrokerProps {
  readonly context: InstanceContext;
  /** Published on 127.0.0.1 for the broker TLS endpoint and monitoring. */
  readonly hostPort: number;
  /**
   * Pinned by digest like the app image.
   * @default BROKER_IMAGE
   */
  readonly image?: string;
}

const CONFIG_FILE = "/usr/local/etc/redis/redis.conf";
const MEMORY_MB = 512;

/**
 * The instance's Celery broker: redis with a password, its queues kept on a named volume.
 *
 * The config travels in the container (an `upload`), not as a host file: the password never lands on the
 * host's disk, and a config change recreates the container, which is harmless because the append-only file
 * on the volume brings every queued task back. A reload in place would need CONFIG, which the config denies.
 */
export class Broker extends Construct {
  readonly password: string;
  /** The container's name on the instance network. */
  readonly hostname: string;
  /** 127.0.0.1:<port> on the host. */
  readonly address: string;
  readonly container: Container;

  constructor(scope: Construct, id: string, props: BrokerProps) {
    super(scope, id);
    const ctx = props.context;
    this.password = new Password(this, "password", { length: 48, special: false }).result;
    this.hostname = ctx.names.container("broker");
    this.address = loopback(props.hostPort);

    const volume = new Volume(this, "data", {
      provider: ctx.host.dockerProvider(),
      name: ctx.names.brokerVolume,
      labels: [{ label: CONTAINER_LABELS.instance, value: ctx.instance }],
    });
    const image = new PinnedImage(this, "image", {
      host: ctx.host,
      reference: props.image ?? BROKER_IMAGE,
    });
    this.container = appContainer(this, "container", ctx, {
      role: "broker",
      image: image.id,
      command: ["redis-server", CONFIG_FILE],
      env: [`REDISCLI_AUTH=${this.password}`],
      memoryMb: MEMORY_MB,
      healthcheck: redisHealthcheck(),
      publish: { internal: BROKER_PORT, external: props.hostPort },
      mounts: [{ type: "volume", source: volume.name, target: "/data" }],
      // Readable by the redis user the image drops to; it exists only inside the container.
      upload: [
        {
          file: CONFIG_FILE,
          content: renderRedisConfig({ password: this.password, maxMemoryMb: MEMORY_MB - 128 }),
          permissions: "0644",
        },
      ],
    });
  }

  /** The BROKER setting of the apps: redis on the instance network, database 0. */
  url(): string {
    return brokerUrl(this.password, this.hostname);
  }
}

export function brokerUrl(password: string, host: string): string {
  return `redis://:${password}@${host}:${BROKER_PORT}/0`;
}
