import { Testing } from "cdktf";
import { instanceNames } from "../../../config/model/names";
import { HETZNER_SERVER_TYPE_SIZES } from "../../../config/data/hetzner-server-types";
import { workerMemoryMb } from "../../../config/worker-pools";
import { WORKER_ROLES } from "../../../config/worker-roles";
import prices from "../../../config/data/hetzner-prices.json";
import { OrganisationStack } from "../../../stacks/organisation-stack";
import { loadExample } from "../../support/organisations";
import { problemsAfter as problems } from "./load-report";

/*
 * Issue 20: swap and the workers' memory limits against what the chosen Hetzner server type has. A swap file
 * that fills the disk leaves no room for the database; workers whose limits add up past the server's memory
 * and swap are not a server the stack can run.
 */

describe("system.swapMb against the disk", () => {
  it("more than a quarter of a worker host's disk (cx23, 40 GB) is refused, naming the type and the limit", () => {
    expect(problems((d) => (d.system.swapMb = 12_288))).toEqual([
      expect.stringMatching(
        /^organisations\/faalkaart\.yaml:\d+: system\.swapMb: is 12288 MB, more than a quarter of the 40 GB disk of remoteWorkers\.hosts\.scanners\.type cx23 \(10240 MB\).*write at most 10240/,
      ),
    ]);
  });

  it("larger than the main server's disk is refused too", () => {
    const found = problems((d) => {
      d.remoteWorkers.hosts = {};
      d.system.swapMb = 65_536;
    });
    expect(found).toEqual([
      expect.stringMatching(
        /system\.swapMb: is 65536 MB, more than a quarter of the 80 GB disk of server\.type cx33/,
      ),
    ]);
  });

  it("up to a quarter is accepted", () => {
    expect(problems((d) => (d.system.swapMb = 10_240))).toEqual([]);
  });

  it("is not judged on an existing server, whose disk the file does not say", () => {
    expect(problems((d) => (d.system = { swapMb: 65_536 }), "failmap-uk")).toEqual([]);
  });
});

describe("the workers' memory limits against the server type", () => {
  it("past a worker host's memory and swap are refused, naming a type that fits", () => {
    const found = problems((d) => {
      d.remoteWorkers.hosts.scanners.roles.production = [{ role: "qualys", concurrency: 200, replicas: 3 }];
    });
    // threads pool on a worker host: 3 x (512 + 16 x 200) = 11136 MB; cx23: 2 x 4096 MB + 2048 MB of swap.
    expect(found).toEqual([
      expect.stringMatching(
        /^organisations\/faalkaart\.yaml:\d+: remoteWorkers\.hosts\.scanners\.type: is cx23 \(4 GB of memory, 2048 MB of swap\), but the workers on each of its hosts may use up to 11136 MB, more than twice its memory and its swap together \(10240 MB\).*cx43 \(16 GB\)/,
      ),
    ]);
  });

  it("past the main server's are refused, saying the rest of the stack comes on top", () => {
    const found = problems((d) => {
      d.instances.production.workers = [{ role: "storage", concurrency: 90 }];
    });
    // prefork: 256 + 192 x 90 = 17536 MB, and staging's default (512 + 8 x 20) and all_internet (512 + 8 x 10).
    expect(found).toEqual([
      expect.stringMatching(
        /^organisations\/faalkaart\.yaml:\d+: server\.type: is cx33 \(8 GB of memory, 2048 MB of swap\), but the workers on it may use up to 18800 MB, more than twice its memory and its swap together \(18432 MB\).*the web apps, database, broker and monitoring come on top/,
      ),
    ]);
  });

  it("within twice the memory plus the swap are accepted, as is every role on the main server", () => {
    expect(problems(() => undefined)).toEqual([]);
    expect(
      problems((d) => (d.instances.production.workers = WORKER_ROLES.map((role) => ({ role })))),
    ).toEqual([]);
  });

  it("are counted as the stack sizes the workers' containers", () => {
    const organisation = loadExample();
    const synth = JSON.parse(Testing.synth(new OrganisationStack(Testing.app(), { organisation })));
    const containers = Object.values<{ name: string; memory: number }>(synth.resource.docker_container);
    const workers = Object.entries(organisation.instances).flatMap(([instance, spec]) =>
      spec.workers.map((worker) => ({ instance, worker })),
    );
    expect(workers.length).toBeGreaterThan(3);
    for (const { instance, worker } of workers) {
      const name = instanceNames(instance).container(`worker-${worker.role}-1`);
      const container = containers.find((c) => c.name === name);
      expect({ role: worker.role, memory: container?.memory }).toEqual({
        role: worker.role,
        memory: workerMemoryMb(worker, "main"),
      });
    }
  });
});

describe("the server type sizes", () => {
  it("are known for exactly the types config/data/hetzner-prices.json sells", () => {
    expect(Object.keys(HETZNER_SERVER_TYPE_SIZES).sort()).toEqual(
      Object.keys(prices.serverTypeLocations).sort(),
    );
  });
});

describe("monitoring.retentionSizeGb against the main server's disk", () => {
  it("more than half of the main server's disk (cx33, 80 GB) is refused, naming the type and the limit", () => {
    expect(problems((d) => (d.monitoring.retentionSizeGb = 41))).toEqual([
      expect.stringMatching(
        /^organisations\/faalkaart\.yaml:\d+: monitoring\.retentionSizeGb: is 41 GB, more than half the 80 GB disk of server\.type cx33.*write at most 40/,
      ),
    ]);
  });

  it("up to half is accepted", () => {
    expect(problems((d) => (d.monitoring.retentionSizeGb = 40))).toEqual([]);
  });
});

describe("system.backupRetention", () => {
  it("past ten years of daily dumps is refused", () => {
    expect(problems((d) => (d.system.backupRetention = 3651))).toEqual([
      expect.stringMatching(/system\.backupRetention: .*3650/),
    ]);
  });
});
