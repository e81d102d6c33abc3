import { CELERY_QUEUES } from "./celery-queues";
import { loopback, MAX_BROKER_EXPORTERS, PORTS } from "./ports";

/** One instance's Celery broker (redis), as reached from the main host. */
export interface BrokerTarget {
  readonly instance: string;
  /** 127.0.0.1:port where the broker container publishes redis. */
  readonly address: string;
  /** The broker's requirepass; a token from random_password. */
  readonly password: string;
}

/** The loopback address of the exporter watching the n-th broker (in the order given). */
export function brokerExporterAddress(index: number): string {
  if (index >= MAX_BROKER_EXPORTERS) {
    throw new Error(`Monitoring watches at most ${MAX_BROKER_EXPORTERS} brokers; raise MAX_BROKER_EXPORTERS`);
  }
  return loopback(PORTS.brokerExporterBase + index);
}

/**
 * redis_exporter's command line. Every Celery queue is a list in database 0, and check-single-keys reports
 * its length as redis_key_size{key="<queue>"}. The password travels in REDIS_PASSWORD, not here, so it
 * never shows in the process list.
 */
export function brokerExporterArgs(broker: BrokerTarget, listen: string): string[] {
  return [
    `--redis.addr=redis://${broker.address}`,
    `--web.listen-address=${listen}`,
    `--check-single-keys=${CELERY_QUEUES.map((q) => `db0=${q}`).join(",")}`,
  ];
}
