/**
 * Everything of an instance that lives in the host's global docker namespace carries the instance name, so
 * production and staging can share a host. Host commands installed by bootstrap rely on the same names.
 */
export interface InstanceNames {
  readonly network: string;
  readonly brokerVolume: string;
  /** /etc/failmap/<instance>: the env files that host commands and migrations read. */
  readonly configDir: string;
  /** failmap-<instance>-<role>, e.g. failmap-production-frontend. */
  container(role: string): string;
}

export function instanceNames(instance: string): InstanceNames {
  const prefix = `failmap-${instance}`;
  return {
    network: prefix,
    brokerVolume: `${prefix}-broker`,
    configDir: `/etc/failmap/${instance}`,
    container: (role) => `${prefix}-${role.replace(/_/g, "-")}`,
  };
}
