import type { AppContainerSpec } from "../app/app-container";
import { CONTAINER_LABELS } from "../../config/model/labels";
import { DEFAULT_LOG_ROTATION } from "../app/failmap-container";
import { healthyWithinSeconds } from "../app/healthcheck-timing";
import { shellQuote } from "../host/host-files";

/** One worker container of a worker host. */
export interface WorkerHostContainer {
  /** failmap-<instance>-<role>: its name and hostname (Celery names its node after the hostname). */
  readonly name: string;
  readonly instance: string;
  /** As Workers makes it for the main host (workerContainers); run with the host's network. */
  readonly spec: AppContainerSpec;
}

export interface WorkerContainersScriptInput {
  /** Its failmap.organisation label selects the containers the script owns on the host. */
  readonly organisation: string;
  /** The directory of the environment files, one per container, named after it (renderEnvFile). */
  readonly envDir: string;
  readonly containers: readonly WorkerHostContainer[];
}

const NAME = /^[a-z][a-z0-9-]*$/;
const PATH = /^\/[A-Za-z0-9._/-]+$/;

/**
 * A container's environment as docker's --env-file reads it: KEY=value lines, taken literally (no quotes,
 * no expansion). A value cannot hold a line break; organisation files cannot give one (control characters
 * are refused there).
 */
export function renderEnvFile(env: readonly string[]): string {
  return env.map((line) => `${line}\n`).join("");
}

/**
 * `docker run` arguments that give a worker container what FailmapContainer gives one on the main host:
 * restart unless an operator stopped it, memory limit without swap, failmap.* labels, health check, stop
 * grace, rotated logs; on the host's network, with its environment from a file (the broker password is in
 * it) instead of the command line.
 */
export function dockerRunArguments(
  organisation: string,
  envDir: string,
  { name, instance, spec }: WorkerHostContainer,
): string[] {
  if (spec.publish || spec.mounts || spec.upload || spec.database) {
    throw new Error(`${name}: a worker host's container has volumes only, no ports, mounts or uploads`);
  }
  const [kind, command, ...more] = spec.healthcheck?.test ?? [];
  if (kind !== "CMD-SHELL" || command === undefined || more.length > 0) {
    throw new Error(
      `${name}: a worker host's container needs a CMD-SHELL health check (docker run --health-cmd)`,
    );
  }
  const health = spec.healthcheck!;
  const logs = DEFAULT_LOG_ROTATION;
  const labels = { [CONTAINER_LABELS.organisation]: organisation, [CONTAINER_LABELS.instance]: instance };
  return [
    `--name=${name}`,
    `--hostname=${name}`,
    "--network=host",
    "--restart=unless-stopped",
    ...(spec.user ? [`--user=${spec.user}`] : []),
    `--memory=${spec.memoryMb}m`,
    `--memory-swap=${spec.memoryMb}m`,
    `--env-file=${envDir}/${name}`,
    ...(spec.volumes ?? []).map((v) => `--volume=${v.hostPath}:${v.containerPath}${v.readOnly ? ":ro" : ""}`),
    ...Object.entries({ ...labels, [CONTAINER_LABELS.role]: spec.role }).map(([k, v]) => `--label=${k}=${v}`),
    `--health-cmd=${command}`,
    ...(health.interval ? [`--health-interval=${health.interval}`] : []),
    ...(health.timeout ? [`--health-timeout=${health.timeout}`] : []),
    ...(health.retries ? [`--health-retries=${health.retries}`] : []),
    ...(health.startPeriod ? [`--health-start-period=${health.startPeriod}`] : []),
    ...(spec.stopTimeoutSeconds ? [`--stop-timeout=${spec.stopTimeoutSeconds}`] : []),
    "--log-driver=json-file",
    `--log-opt=max-size=${logs.maxSizeMb}m`,
    `--log-opt=max-file=${logs.files}`,
    spec.image,
    ...spec.command,
  ];
}

/**
 * The script that brings a worker host's containers to what the stack wants, run (as root) after it or an
 * environment file changes. Idempotent: a container whose arguments and environment file are unchanged (its
 * failmap.spec label) keeps running. The others are replaced, and the organisation's containers that are no
 * longer wanted are removed: all stopped at once, each with its own stop grace. The images are pulled before
 * anything stops. It ends when the new containers are healthy, or fails, with their last log lines, when one
 * is not within the time its health check allows. The containers die with the server, so a worker host is
 * removed with nothing but Terraform's own resources: no docker provider is bound to it.
 */
export function renderWorkerContainersScript(input: WorkerContainersScriptInput): string {
  const { organisation, envDir, containers } = input;
  if (!NAME.test(organisation))
    throw new Error(`worker containers: '${organisation}' is not an organisation name`);
  if (!PATH.test(envDir)) throw new Error(`worker containers: '${envDir}' is not an absolute plain path`);
  const names = containers.map((c) => c.name);
  for (const name of names.filter((n, i) => !NAME.test(n) || names.indexOf(n) !== i)) {
    throw new Error(`worker containers: '${name}' is not a container name, or is given twice`);
  }
  const fn = (i: number) => `container_${i + 1}`;
  const entries = containers.map((c, i) => `${fn(i)}:${c.name}`).join(" ");
  const images = [...new Set(containers.map((c) => c.spec.image))];
  const waitSeconds = Math.max(0, ...containers.map((c) => healthyWithinSeconds(c.spec.healthcheck!)));
  const quoted = (words: readonly string[]) => words.map(shellQuote).join(" ");
  return [
    "#!/bin/sh",
    "# The worker containers of this host, written by the stack (constructs/remote-workers).",
    "set -eu",
    `env_dir=${envDir}`,
    "",
    `wanted=' ${names.join(" ")} '`,
    "",
    "# The docker run arguments of each wanted container, after the words the caller gives. The health",
    "# check's $(hostname) is the container's, for its shell.",
    ...containers.flatMap((c, i) => [
      "# shellcheck disable=SC2016",
      `${fn(i)}() { "$@" ${quoted(dockerRunArguments(organisation, envDir, c))}; }`,
    ]),
    "",
    `# A digest of a container's arguments and environment file: its ${CONTAINER_LABELS.spec} label.`,
    `spec() { { "$1" printf '%s\\n'; cat "$env_dir/$2"; } | sha256sum | cut -c1-16; }`,
    `current() { docker inspect -f '{{index .Config.Labels "${CONTAINER_LABELS.spec}"}}' "$1" 2>/dev/null || true; }`,
    "",
    ...images.map((image) => {
      const ref = shellQuote(image);
      return `docker image inspect ${ref} >/dev/null 2>&1 || docker pull ${ref} >/dev/null`;
    }),
    "",
    "stale=''",
    `for entry in ${entries}; do`,
    `  [ "$(current "\${entry#*:}")" = "$(spec "\${entry%%:*}" "\${entry#*:}")" ] || stale="$stale $entry"`,
    "done",
    "",
    "# Stopped together, each with its own grace: the stale containers that exist, and the organisation's",
    "# that are no longer wanted.",
    "set --",
    `for name in $(docker ps -a --filter label=${CONTAINER_LABELS.organisation}=${organisation} --format '{{.Names}}'); do`,
    `  case "$wanted" in`,
    `    *" $name "*) ;;`,
    `    *) set -- "$@" "$name" ;;`,
    "  esac",
    "done",
    "for entry in $stale; do",
    `  if docker inspect "\${entry#*:}" >/dev/null 2>&1; then set -- "$@" "\${entry#*:}"; fi`,
    "done",
    `if [ "$#" -gt 0 ]; then docker stop "$@" >/dev/null && docker rm "$@" >/dev/null; fi`,
    `for file in "$env_dir"/*; do`,
    `  case "$wanted" in`,
    `    *" \${file##*/} "*) ;;`,
    `    *) rm -f "$file" ;;`,
    "  esac",
    "done",
    "",
    "for entry in $stale; do",
    `  "\${entry%%:*}" docker run --detach --label "${CONTAINER_LABELS.spec}=$(spec "\${entry%%:*}" "\${entry#*:}")" >/dev/null`,
    "done",
    `deadline=$(($(date +%s) + ${waitSeconds}))`,
    "for entry in $stale; do",
    `  until [ "$(docker inspect -f '{{.State.Health.Status}}' "\${entry#*:}")" = healthy ]; do`,
    `    if [ "$(date +%s)" -ge "$deadline" ]; then`,
    `      echo "\${entry#*:} is not healthy within ${waitSeconds} s; its last log lines:" >&2`,
    `      docker logs --tail 20 "\${entry#*:}" >&2`,
    "      exit 1",
    "    fi",
    "    sleep 2",
    "  done",
    "done",
    "",
  ].join("\n");
}
