/*
 * Healthcheck durations as docker reports them, and how long a healthy container may take to say so.
 *
 * The docker provider reads a container's healthcheck back with Go's time.Duration.String(), so a duration is
 * written the way Go prints it ("1m0s", not "60s" or "1m"): any other spelling shows as a change on every plan.
 */

const UNIT_SECONDS: Readonly<Record<string, number>> = { h: 3600, m: 60, s: 1, ms: 0.001 };

/** Whole seconds as Go prints them: 0 → "0s", 30 → "30s", 60 → "1m0s", 3600 → "1h0m0s". */
export function goDuration(seconds: number): string {
  if (!Number.isInteger(seconds) || seconds < 0)
    throw new Error(`${seconds} is not a whole number of seconds`);
  const [h, m, s] = [Math.floor(seconds / 3600), Math.floor((seconds % 3600) / 60), seconds % 60];
  if (h > 0) return `${h}h${m}m${s}s`;
  if (m > 0) return `${m}m${s}s`;
  return `${s}s`;
}

/** The seconds of a Go duration ("1m30s", "500ms"); undefined when it is not one. */
export function durationSeconds(text: string): number | undefined {
  if (!/^(\d+(\.\d+)?(h|ms|m|s))+$/.test(text)) return undefined;
  let total = 0;
  for (const [, value, unit] of text.matchAll(/(\d+(?:\.\d+)?)(h|ms|m|s)/g)) {
    total += Number(value) * UNIT_SECONDS[unit];
  }
  return total;
}

/** Docker's own defaults for a healthcheck field left out (or "0s"). */
const DOCKER_DEFAULTS = { interval: 30, timeout: 30, retries: 3 } as const;

export interface HealthcheckTiming {
  readonly interval?: string;
  readonly timeout?: string;
  readonly startPeriod?: string;
  readonly retries?: number;
}

/**
 * How long docker may take to report a container that works as healthy: its start period, then as many
 * failed checks as docker allows before it calls the container unhealthy, and one more. Terraform's apply
 * waits this long (the docker provider's wait_timeout) before it fails on a container that never gets there.
 */
export function healthyWithinSeconds(check: HealthcheckTiming): number {
  const seconds = (text: string | undefined, fallback: number) => durationSeconds(text ?? "0s") || fallback;
  const interval = seconds(check.interval, DOCKER_DEFAULTS.interval);
  const timeout = seconds(check.timeout, DOCKER_DEFAULTS.timeout);
  const retries = check.retries || DOCKER_DEFAULTS.retries;
  return Math.ceil(seconds(check.startPeriod, 0) + (retries + 1) * (interval + timeout));
}
