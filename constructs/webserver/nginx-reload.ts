const NAME = /^[a-z][a-z0-9-]*$/;
const PATH = /^\/[A-Za-z0-9._/-]+$/;

/**
 * The HostFiles `then:` command after an nginx container's config or certificates change: test the new
 * files, then reload nginx in place if it runs.
 *
 * The test runs in a one-off container of the same image with the same mounts, whatever state the container
 * is in, so a bad config fails the apply even when nginx is down. Only a running nginx gets the reload
 * (SIGHUP to its master, PID 1). One that is not running reads the files when it starts: nothing to do when
 * it does not exist yet (first apply), is stopped, or is restarting after a crash, where a `docker exec`
 * would fail. Neither does one that stops between the check and the signal.
 */
export function renderNginxReload(container: string, configFile: string): string {
  if (!NAME.test(container)) throw new Error(`nginx reload: '${container}' is not a container name`);
  if (!PATH.test(configFile)) throw new Error(`nginx reload: '${configFile}' is not an absolute plain path`);
  const status = `docker inspect -f '{{.State.Status}}' ${container}`;
  const test =
    `docker run --rm --network host --volumes-from ${container} --entrypoint nginx ` +
    `"$(docker inspect -f '{{.Image}}' ${container})" -t -q -c ${configFile}`;
  const reload = `docker kill -s HUP ${container} >/dev/null || [ "$(${status})" != running ]`;
  return `if status=$(${status} 2>/dev/null); then ${test} && if [ "$status" = running ]; then ${reload}; fi; fi`;
}
