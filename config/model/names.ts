/**
 * Everything of an instance that lives in the host's global docker namespace carries the instance name, so
 * production and staging can share a host. Host commands installed by bootstrap rely on the same names.
 */
import { HOST_CONFIG_DIR } from "./host-paths";

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
    configDir: `${HOST_CONFIG_DIR}/${instance}`,
    container: (role) => `${prefix}-${role.replace(/_/g, "-")}`,
  };
}

const STACK_PREFIX = "org-";

/** The organisation's stack: `cdktf deploy org-<name>`, cdktf.out/stacks/org-<name>. */
export function stackName(organisation: string): string {
  return `${STACK_PREFIX}${organisation}`;
}

/** The organisation a stack name names (org-<name> → <name>); any other name as it is. */
export function organisationOfStack(stack: string): string {
  return stack.startsWith(STACK_PREFIX) ? stack.slice(STACK_PREFIX.length) : stack;
}
