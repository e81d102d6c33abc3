import type { AppContainerSpec } from "../../../constructs/app/app-container";
import { celeryHealthcheck } from "../../../constructs/app/healthchecks";
import {
  dockerRunArguments,
  renderWorkerContainersScript,
  type WorkerHostContainer,
} from "../../../constructs/remote-workers/render-worker-containers";

/* What the script does on a real dockerd: test/system/broker-endpoint/worker-containers.test.ts. Here: what
 * it refuses to render, so nothing but plain words reaches the shell and docker run. */
const spec: AppContainerSpec = {
  role: "worker-qualys-1",
  image: "websecmap/websecmap@sha256:0123",
  command: ["celery", "worker"],
  env: ["BROKER=rediss://x"],
  memoryMb: 512,
  healthcheck: celeryHealthcheck("websecmap"),
};
const container = (name: string, changes: Partial<AppContainerSpec> = {}): WorkerHostContainer => ({
  name,
  instance: "production",
  spec: { ...spec, ...changes },
});
const render = (
  containers: WorkerHostContainer[],
  organisation = "faalkaart",
  envDir = "/etc/failmap/workers/env",
) => renderWorkerContainersScript({ organisation, envDir, containers });

describe("the worker containers script refuses", () => {
  it("an organisation name or an environment directory that the shell would read as more", () => {
    expect(() => render([], "x y")).toThrow("worker containers: 'x y' is not an organisation name");
    expect(() => render([], "faalkaart", "/etc/$(reboot)")).toThrow(
      "worker containers: '/etc/$(reboot)' is not an absolute plain path",
    );
  });

  it("a container name given twice, or not a name", () => {
    const worker = container("failmap-production-worker-qualys-1");
    expect(() => render([worker, worker])).toThrow(
      /'failmap-production-worker-qualys-1' is not a container name, or is given twice/,
    );
    expect(() => render([container("a;b")])).toThrow(/'a;b' is not a container name/);
  });

  it("what docker run on a worker host cannot give as the main host's container has it", () => {
    const run = (changes: Partial<AppContainerSpec>) => () =>
      dockerRunArguments("faalkaart", "/env", container("failmap-production-worker-qualys-1", changes));
    expect(run({ publish: { internal: 8000, external: 8001 } })).toThrow(
      /volumes only, no ports, mounts or uploads/,
    );
    expect(run({ database: true })).toThrow(/volumes only, no ports, mounts or uploads/);
    expect(run({ healthcheck: { test: ["CMD", "true"] } })).toThrow(/needs a CMD-SHELL health check/);
    expect(run({ healthcheck: undefined })).toThrow(/needs a CMD-SHELL health check/);
  });
});
