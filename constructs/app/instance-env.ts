import { renderShellEnv } from "../bootstrap/env-file";
import type { InstanceNames } from "../../config/model/names";

export interface InstanceEnvSettings {
  readonly instance: string;
  readonly names: InstanceNames;
  /** repository@sha256:..., the image the containers run. */
  readonly image: string;
  readonly domain: string;
  readonly adminDomain: string;
  /** 127.0.0.1:port of the admin app, for a deploy check with the right Host header. */
  readonly adminUpstream: string;
}

/**
 * /etc/failmap/<instance>/instance.env: where the host commands (failmap, failmap-deploy, ...) find the
 * instance's image, network and app.env; they find its containers by their failmap.instance label. No
 * secrets, so it is world-readable; the secrets are in app.env.
 */
export function renderInstanceEnv(s: InstanceEnvSettings): string {
  return renderShellEnv(`The instance ${s.instance}, for the host commands.`, {
    FAILMAP_INSTANCE: s.instance,
    FAILMAP_IMAGE: s.image,
    FAILMAP_NETWORK: s.names.network,
    FAILMAP_APP_ENV: appEnvPath(s.names),
    FAILMAP_DOMAIN: s.domain,
    FAILMAP_ADMIN_DOMAIN: s.adminDomain,
    FAILMAP_ADMIN_UPSTREAM: s.adminUpstream,
  });
}

export function appEnvPath(names: InstanceNames): string {
  return `${names.configDir}/app.env`;
}

export function instanceEnvPath(names: InstanceNames): string {
  return `${names.configDir}/instance.env`;
}
