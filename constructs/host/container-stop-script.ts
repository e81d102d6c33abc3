/*
 * Shell functions that stop a host's containers cleanly while Docker itself is down, so that Docker starts
 * them again at the next boot under their restart policy. Text only (POSIX sh, run as root on the host).
 *
 * Docker runs with live-restore (scripts/bootstrap/docker.sh), so stopping Docker leaves the containers
 * running, and a power-off then kills them. `docker stop` would stop them cleanly, but Docker 20.10 (Debian
 * 12) counts that as a stop by hand (HasBeenManuallyStopped), and `unless-stopped` then no longer starts them
 * at boot. So the containers are listed while Docker runs, Docker is stopped, and each container's PID 1
 * gets from the host what `docker stop` would send it: its stop signal, then SIGKILL once its stop timeout
 * has passed (a worker's 300 s, nginx's SIGQUIT), as long as the PID is still the container's. Docker did not see them go; when it starts, it finds them
 * exited and starts them as after a crash (test/system/host/container-stop.test.ts).
 */

/** The journal's tag (SYSLOG_IDENTIFIER) of the lines saying how each container stopped. */
export const CONTAINER_STOP_LOG_TAG = "failmap-container-stop";

/** Docker's stop signal and timeout of a container that sets neither (container.DefaultStopTimeout). */
const DOCKER_DEFAULT_STOP = { signal: "SIGTERM", timeoutSeconds: 10 };

/**
 * One line per running container: its PID 1, ID, stop signal, stop timeout and name (with Docker's "/"). The
 * fields are those of Docker's container type (`.ID`, not the JSON's `.Id`): a field the type lacks makes the
 * CLI fall back to the JSON, where an unset stop signal or timeout is missing, and fail.
 */
const CONTAINER_LINE =
  "{{.State.Pid}} {{.ID}}" +
  ` {{with .Config.StopSignal}}{{.}}{{else}}${DOCKER_DEFAULT_STOP.signal}{{end}}` +
  ` {{with .Config.StopTimeout}}{{.}}{{else}}${DOCKER_DEFAULT_STOP.timeoutSeconds}{{end}}` +
  " {{.Name}}";

/**
 * Defines `list_running_containers` (while Docker runs: prints the lines `stop_listed_containers` reads) and
 * `stop_listed_containers` (after Docker is stopped: stops the listed containers all at once, waits for each
 * up to its own stop timeout, says in the journal and on stdout how each one ended, and returns when all
 * have). A container whose PID is 0 (restarting after a crash) has nothing to stop.
 */
export const CONTAINER_STOP_FUNCTIONS = [
  "say() {",
  '  echo "$*"',
  `  logger -t ${CONTAINER_STOP_LOG_TAG} -- "$*" 2>/dev/null || true`,
  "}",
  "list_running_containers() {",
  "  ids=$(docker ps -q) || return 1",
  `  echo "$ids" | xargs -r docker inspect -f '${CONTAINER_LINE}'`,
  "}",
  // Whether PID $1 is container $2's and has not exited. A PID is soon used again once its process is gone
  // (within seconds where pid_max is 32768), by another process or a thread: only one in the container's
  // cgroup is the container's. A zombie has exited; only its parent, the shim, has yet to collect its status.
  'running() { [ -n "$2" ] && grep -qsF "$2" "/proc/$1/cgroup" && ! grep -qs "^State:[[:space:]]*Z" "/proc/$1/status"; }',
  "stop_container() {",
  "  pid=$1 id=$2 signal=${3#SIG} grace=$4 name=${5#/}",
  '  if ! running "$pid" "$id"; then say "$name: had exited before its stop signal"; return 0; fi',
  '  kill -s "$signal" "$pid" 2>/dev/null || say "$name: SIG$signal could not be sent to PID $pid"',
  "  waited=0",
  '  while running "$pid" "$id" && [ "$waited" -lt "$grace" ]; do sleep 1; waited=$((waited + 1)); done',
  '  if running "$pid" "$id"; then',
  '    kill -s KILL "$pid"',
  '    say "$name: killed, still running $grace s after SIG$signal"',
  "  else",
  '    say "$name: exited within $waited s of SIG$signal"',
  "  fi",
  "}",
  "stop_listed_containers() {",
  // The last line may come without its newline: read then fails, but has read it.
  '  while read -r pid id signal grace name || [ -n "$pid" ]; do',
  '    if [ "${pid:-0}" -gt 0 ] 2>/dev/null; then stop_container "$pid" "$id" "$signal" "$grace" "$name" & fi',
  "  done",
  "  wait",
  "}",
].join("\n");
