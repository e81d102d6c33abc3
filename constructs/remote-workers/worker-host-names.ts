import type { RemoteWorkersConfig } from "../../config/schema";

export interface WorkerHostPlan {
  /** Host name, also the CN of its client certificate: `<group>-<n>`, counting from 1. */
  readonly name: string;
  readonly group: string;
  readonly spec: RemoteWorkersConfig["hosts"][string];
}

/** The managed worker hosts an organisation asks for, one per group member. */
export function workerHostPlans(config: RemoteWorkersConfig | undefined): WorkerHostPlan[] {
  return Object.entries(config?.hosts ?? {}).flatMap(([group, spec]) =>
    Array.from({ length: spec.count }, (_, i) => ({ name: `${group}-${i + 1}`, group, spec })),
  );
}
