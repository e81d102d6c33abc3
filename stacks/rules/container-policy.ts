import type { TerraformStack } from "cdktf";
import type { IValidation } from "constructs";
import { CONTAINER_LABELS } from "../../constructs/app/failmap-container";
import { blocksOf, type TerraformJson } from "./block-graph";

/**
 * Every docker_container of the stack follows the container policy, however it was built: restarted unless
 * stopped, json-file logs with rotation, a stop grace that Terraform's replacements honour too, a memory
 * limit, and failmap.* labels naming the organisation and the role. FailmapContainer sets all of these; this
 * check reads the synthesized JSON, so it also catches a container made without it or an override that
 * undoes it, and fails `cdktf synth` with the construct path and what is missing.
 */
export class ContainerPolicy implements IValidation {
  constructor(
    private readonly stack: TerraformStack,
    private readonly organisation: string,
  ) {}

  validate(): string[] {
    return blocksOf(this.stack.toTerraform() as TerraformJson)
      .filter((block) => block.address.startsWith("docker_container."))
      .flatMap((block) => {
        const missing = policyBreaches(block.config, this.organisation);
        if (missing.length === 0) return [];
        return [
          `${block.path} (${block.address}) breaks the container policy: ${missing.join("; ")}. ` +
            "Build it with FailmapContainer (constructs/app/failmap-container.ts), which sets all of these.",
        ];
      });
  }
}

/** What a docker_container block lacks of the policy, in words; empty when it follows it. */
export function policyBreaches(config: Record<string, unknown>, organisation: string): string[] {
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
  const labels = new Map(
    ((config.labels ?? []) as { label: string; value: unknown }[]).map((l) => [l.label, l.value]),
  );
  if (labels.get(CONTAINER_LABELS.organisation) !== organisation) {
    breaches.push(`no ${CONTAINER_LABELS.organisation} label '${organisation}'`);
  }
  if (!labels.get(CONTAINER_LABELS.role)) breaches.push(`no ${CONTAINER_LABELS.role} label`);
  return breaches;
}

const isPositive = (value: unknown): value is number => typeof value === "number" && value > 0;
