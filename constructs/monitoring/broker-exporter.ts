import { CELERY_QUEUES } from "../../config/worker-roles";
import { brokerExporterPort } from "../../config/model/ports";
import { loopback } from "../host/loopback";

/** One instance's Celery broker (redis), as reached from the main host. */
export interface BrokerTarget {
  readonly instance: string;
  /** The instance's port slot: its exporter's port comes from it. */
  readonly slot: number;
  /** 127.0.0.1:port where the broker container publishes redis. */
  readonly address: string;
  /** The broker's requirepass; a token from random_password. */
  readonly password: string;
}

/** The loopback address of the exporter watching an instance's broker. */
export function brokerExporterAddress(broker: Pick<BrokerTarget, "slot">): string {
  return loopback(brokerExporterPort(broker.slot));
}

/**
 * redis_exporter's command line. Every Celery queue is a list in database 0, and check-single-keys reports
 * its length as redis_key_size{key="<queue>"}. The password travels in REDIS_PASSWORD, not here, so it
 * never shows in the process list.
 */
export function brokerExporterArgs(broker: Pick<BrokerTarget, "address">, listen: string): string[] {
  return [
    `--redis.addr=redis://${broker.address}`,
    `--web.listen-address=${listen}`,
    `--check-single-keys=${CELERY_QUEUES.map((q) => `db0=${q}`).join(",")}`,
  ];
}
