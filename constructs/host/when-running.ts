/**
 * A shell command for HostFiles `then:` that acts on a running container only: on the first apply the
 * files arrive before the container exists, and it reads them when it starts.
 */
export function whenRunning(container: string, command: string): string {
  const running = `[ "$(docker inspect -f '{{.State.Running}}' ${container} 2>/dev/null)" = true ]`;
  return `if ${running}; then ${command}; fi`;
}
