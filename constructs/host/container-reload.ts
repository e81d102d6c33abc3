const NAME = /^[a-z][a-z0-9-]*$/;
/** Program names, options and absolute paths: nothing the shell would expand or split. */
const WORD = /^[A-Za-z0-9._/=:-]+$/;

export interface ContainerReloadProps {
  /** The container, by name. */
  readonly container: string;
  /**
   * A program of the container's image and its arguments that check the new files, e.g.
   * `["promtool", "check", "config", "/etc/prometheus/prometheus.yml"]`.
   * @default - nothing to check with: a running container takes the files as they are
   */
  readonly check?: readonly string[];
  /** How a running program takes the new files: SIGHUP to its PID 1, or a restart for one without a reload. */
  readonly apply: "hup" | "restart";
}

/**
 * The HostFiles `then:` command after a container's config files change: check them, then hand them to the
 * program if it runs.
 *
 * The check runs in a one-off container of the container's own image with its mounts (--volumes-from), on the
 * host network as all of these containers are, whatever state the container is in, so a bad file fails the
 * apply even when the program is down. Only a running container (`.State.Status`, which unlike
 * `.State.Running` is not "running" while Docker restarts a crashed one, where `docker exec` and signals
 * fail) gets the signal or the restart. One that is not running reads the files when it starts: nothing to
 * do when it does not exist yet (first apply), is stopped, or is restarting after a crash. Neither does one
 * that stops between the check and the signal.
 */
export function renderContainerReload({ container, check, apply }: ContainerReloadProps): string {
  if (!NAME.test(container)) throw new Error(`container reload: '${container}' is not a container name`);
  const bad = check?.find((word) => !WORD.test(word));
  if (bad !== undefined || check?.length === 0) {
    throw new Error(
      `container reload of ${container}: '${bad ?? ""}' is not a plain program name or argument`,
    );
  }
  const status = `docker inspect -f '{{.State.Status}}' ${container}`;
  // SIGHUP from the host to the container's PID 1, not `docker kill -s HUP`: Docker 20.10 (Debian 12) counts
  // any `docker kill` as a manual stop, and its restart policy then no longer brings the program back after a
  // crash or a reboot. A PID of 0 (stopped meanwhile) would signal this shell's own process group.
  const hup = `pid=$(docker inspect -f '{{.State.Pid}}' ${container}) && [ "$pid" -gt 0 ] && kill -HUP "$pid"`;
  const act = apply === "hup" ? `{ ${hup}; }` : `docker restart ${container} >/dev/null`;
  const whenRunning = `if [ "$status" = running ]; then ${act} || [ "$(${status})" != running ]; fi`;
  const test = check
    ? `docker run --rm --network host --volumes-from ${container} --entrypoint ${check[0]} ` +
      `"$(docker inspect -f '{{.Image}}' ${container})" ${check.slice(1).join(" ")} && `
    : "";
  return `if status=$(${status} 2>/dev/null); then ${test}${whenRunning}; fi`;
}
