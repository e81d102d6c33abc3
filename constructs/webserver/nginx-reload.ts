import { renderContainerReload } from "../host/container-reload";

/**
 * The HostFiles `then:` command after an nginx container's config or certificates change: `nginx -t` on the
 * new files in a one-off container of the same image with the same mounts, then a reload in place (SIGHUP to
 * its master) if nginx runs. See renderContainerReload for each state the container can be in.
 */
export function renderNginxReload(container: string, configFile: string): string {
  return renderContainerReload({ container, check: ["nginx", "-t", "-q", "-c", configFile], apply: "hup" });
}
