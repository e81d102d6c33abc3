/**
 * The docker labels by which the host commands, the dashboards and the container policy find the stack's
 * containers, networks and volumes: whose they are (organisation, instance) and what they do (role).
 */
export const CONTAINER_LABELS = {
  organisation: "failmap.organisation",
  instance: "failmap.instance",
  role: "failmap.role",
} as const;
