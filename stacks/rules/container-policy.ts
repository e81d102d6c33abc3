import type { TerraformStack } from "cdktf";
import type { IValidation } from "constructs";
import { CONTAINER_LABELS } from "../../config/model/labels";
import { durationSeconds, goDuration, healthyWithinSeconds } from "../../constructs/app/healthcheck-timing";
import { blocksOf, type TerraformJson } from "./block-graph";

/**
 * Every docker_container of the stack follows the container policy, however it was built: restarted unless
 * stopped, json-file logs with rotation, a stop grace that Terraform's replacements honour too, a memory
 * limit without swap, a failmap.role label (the organisation's label is the OrganisationLabel aspect's), an apply that waits for a
 * healthcheck to pass, and nothing the docker provider reads back otherwise than it was written (a change on
 * every plan): memory_swap, device permissions, healthcheck durations. FailmapContainer sets all of these; this
 * check reads the synthesized JSON, so it also catches a container made without it or an override that
 * undoes it, and fails `cdktf synth` with the construct path and what is missing.
 */
export class ContainerPolicy implements IValidation {
  constructor(private readonly stack: TerraformStack) {}

  validate(): string[] {
    return blocksOf(this.stack.toTerraform() as TerraformJson)
      .filter((block) => block.address.startsWith("docker_container."))
      .flatMap((block) => {
        const missing = policyBreaches(block.config);
        if (missing.length === 0) return [];
        return [
          `${block.path} (${block.address}) breaks the container policy: ${missing.join("; ")}. ` +
            "Build it with FailmapContainer (constructs/app/failmap-container.ts), which sets all of these.",
        ];
      });
  }
}

/** What a docker_container block lacks of the policy, in words; empty when it follows it. */
export function policyBreaches(config: Record<string, unknown>): string[] {
  const breaches: string[] = [];
  if (config.restart !== "unless-stopped") {
    breaches.push(`restart is ${JSON.stringify(config.restart ?? null)}, not "unless-stopped"`);
  }
  const logOpts = (config.log_opts ?? {}) as Record<string, unknown>;
  if (config.log_driver !== "json-file" || !logOpts["max-size"] || !logOpts["max-file"]) {
    breaches.push('no log rotation (log_driver "json-file" with log_opts max-size and max-file)');
  }
  const stop = config.stop_timeout;
  const grace = config.destroy_grace_seconds;
  if (!isPositive(stop)) breaches.push("no stop_timeout");
  if (!isPositive(grace) || (isPositive(stop) && grace < stop)) {
    breaches.push("no destroy_grace_seconds of at least stop_timeout (a replacement would kill it at once)");
  }
  if (!isPositive(config.memory)) breaches.push("no memory limit");
  else if (config.memory_swap !== config.memory) {
    breaches.push(
      `memory_swap is ${JSON.stringify(config.memory_swap ?? null)}, not the memory limit ${config.memory} (left out, dockerd reads back 2 × memory: a change on every plan)`,
    );
  }
  for (const device of (config.devices ?? []) as { host_path: string; permissions?: string }[]) {
    if (!device.permissions) {
      breaches.push(
        `device ${device.host_path} has no permissions (the provider reads back "rwm": a replacement on every plan)`,
      );
    }
  }
  breaches.push(...healthcheckBreaches(config));
  const labels = new Map(
    ((config.labels ?? []) as { label: string; value: unknown }[]).map((l) => [l.label, l.value]),
  );
  if (!labels.get(CONTAINER_LABELS.role)) breaches.push(`no ${CONTAINER_LABELS.role} label`);
  return breaches;
}

/** A healthcheck in docker's own spelling, and an apply that waits for it; no wait without one. */
function healthcheckBreaches(config: Record<string, unknown>): string[] {
  const check = (config.healthcheck as Record<string, unknown> | undefined) ?? undefined;
  if (!check)
    return config.wait === true ? ["wait without a healthcheck (the apply would fail at once)"] : [];
  const breaches: string[] = [];
  for (const field of ["interval", "timeout", "start_period", "start_interval"]) {
    const value = check[field];
    if (value === undefined) continue;
    const seconds = typeof value === "string" ? durationSeconds(value) : undefined;
    const spelt = seconds !== undefined && Number.isInteger(seconds) ? goDuration(seconds) : undefined;
    if (spelt !== value) {
      breaches.push(
        `healthcheck ${field} ${JSON.stringify(value)} is not a whole number of seconds as Go prints it${spelt ? ` ("${spelt}")` : ""} (the provider reads it back so: a change on every plan)`,
      );
    }
  }
  const needed = healthyWithinSeconds({
    interval: check.interval as string | undefined,
    timeout: check.timeout as string | undefined,
    startPeriod: check.start_period as string | undefined,
    retries: check.retries as number | undefined,
  });
  const labels = (config.labels ?? []) as { label: string }[];
  if (!labels.some((l) => l.label === CONTAINER_LABELS.healthcheck)) {
    breaches.push(
      `a healthcheck without the ${CONTAINER_LABELS.healthcheck} label (the provider would change it in place, which never reaches docker)`,
    );
  }
  if (config.wait !== true || !(typeof config.wait_timeout === "number" && config.wait_timeout >= needed)) {
    breaches.push(
      `a healthcheck without wait = true and a wait_timeout of at least ${needed} s (an apply would succeed over a container that never gets healthy)`,
    );
  }
  return breaches;
}

const isPositive = (value: unknown): value is number => typeof value === "number" && value > 0;
