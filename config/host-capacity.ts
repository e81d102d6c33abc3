import { HETZNER_SERVER_TYPE_SIZES, type ServerTypeSize } from "./data/hetzner-server-types";
import type { Organisation, Worker } from "./schema";
import type { Check } from "./check";
import { typesSoldIn } from "./server-catalogue";
import { workerMemoryMb, type WorkerSiteKind } from "./worker-pools";

/*
 * Swap and the workers' memory against the Hetzner server type that runs them. An existing server's disk and
 * memory are not in the file, so only Hetzner servers (the main one, worker hosts) are judged.
 */

/**
 * The swap file may take a quarter of the disk: the rest holds Debian and the Docker images (about 10 GB),
 * Prometheus's data (up to monitoring.retentionSizeGb) and the database, which grows with every scan.
 */
const SWAP_SHARE_OF_DISK = 1 / 4;

interface HetznerServer {
  /** The type's field, e.g. server.type. */
  readonly field: readonly PropertyKey[];
  readonly type: string;
  readonly location: string;
  readonly site: WorkerSiteKind;
  /** The workers on one such server. */
  readonly workers: readonly Worker[];
}

function hetznerServers(org: Organisation): HetznerServer[] {
  return [
    ...(org.server.provider === "hetzner"
      ? [
          {
            field: ["server", "type"],
            type: org.server.type,
            location: org.server.location,
            site: "main" as const,
            workers: Object.values(org.instances).flatMap((instance) => instance.workers),
          },
        ]
      : []),
    ...Object.entries(org.remoteWorkers?.hosts ?? {}).map(([group, host]) => ({
      field: ["remoteWorkers", "hosts", group, "type"],
      type: host.type,
      location: host.location,
      site: "worker-host" as const,
      workers: Object.values(host.roles).flat(),
    })),
  ];
}

const sized = (server: HetznerServer): (HetznerServer & { size: ServerTypeSize })[] => {
  const size = HETZNER_SERVER_TYPE_SIZES[server.type];
  // A type the table lacks is refused by the catalogue check already.
  return size ? [{ ...server, size }] : [];
};

/** system.swapMb against the smallest disk among the organisation's Hetzner servers. */
function swapPastDisk(org: Organisation): Check[] {
  const swap = org.system.swapMb;
  const tightest = hetznerServers(org)
    .flatMap(sized)
    .map((s) => ({ ...s, limit: Math.floor(s.size.diskGb * 1024 * SWAP_SHARE_OF_DISK) }))
    .sort((a, b) => a.limit - b.limit)[0];
  if (!tightest || swap <= tightest.limit) return [];
  return [
    {
      path: ["system", "swapMb"],
      message: `is ${swap} MB, more than a quarter of the ${tightest.size.diskGb} GB disk of ${tightest.field.join(".")} ${tightest.type} (${tightest.limit} MB): the rest of the disk holds Debian and the Docker images (about 10 GB), Prometheus's data and the database, which grows; write at most ${tightest.limit}, or pick a type with a bigger disk`,
    },
  ];
}

/**
 * Prometheus keeps up to monitoring.retentionSizeGb of data on the main server; half the disk leaves the other
 * half for Debian, the images, the swap file and the database.
 */
const PROMETHEUS_SHARE_OF_DISK = 1 / 2;

/** monitoring.retentionSizeGb against the disk of the main server, where Prometheus runs. */
function prometheusDataPastDisk(org: Organisation): Check[] {
  if (!org.monitoring.enabled) return [];
  const main = hetznerServers(org)
    .filter((server) => server.site === "main")
    .flatMap(sized)[0];
  if (!main) return [];
  const limit = Math.floor(main.size.diskGb * PROMETHEUS_SHARE_OF_DISK);
  const size = org.monitoring.retentionSizeGb;
  if (size <= limit) return [];
  return [
    {
      path: ["monitoring", "retentionSizeGb"],
      message: `is ${size} GB, more than half the ${main.size.diskGb} GB disk of ${main.field.join(".")} ${main.type}: the other half holds Debian, the Docker images, the swap file and the database, which grows; write at most ${limit}, or pick a type with a bigger disk`,
    },
  ];
}

/** The smallest type sold in `location` with `memoryMb` of memory, of the same family (cx, cpx, ...) first. */
function typeWithMemory(memoryMb: number, type: string, location: string): string | undefined {
  const family = type.replace(/[0-9]+$/, "");
  const fitting = typesSoldIn(location)
    .filter((t) => HETZNER_SERVER_TYPE_SIZES[t] && HETZNER_SERVER_TYPE_SIZES[t].memoryGb * 1024 >= memoryMb)
    .sort(
      (a, b) =>
        Number(b.startsWith(family)) - Number(a.startsWith(family)) ||
        HETZNER_SERVER_TYPE_SIZES[a].memoryGb - HETZNER_SERVER_TYPE_SIZES[b].memoryGb,
    );
  return fitting.length > 0
    ? `${fitting[0]} (${HETZNER_SERVER_TYPE_SIZES[fitting[0]].memoryGb} GB)`
    : undefined;
}

/**
 * Limits are ceilings, not reservations: Celery workers mostly wait on the network well below theirs, so
 * limits adding up to more than the memory are normal. Past twice the memory plus the swap (which the
 * containers themselves do not get: memory_swap = memory), they no longer describe a server of this type.
 */
const OVERCOMMIT = 2;

/** The memory limits of the workers on one server, added up, against its memory and swap. */
function workersPastMemory(org: Organisation): Check[] {
  const swap = org.system.swapMb;
  return hetznerServers(org)
    .flatMap(sized)
    .flatMap((server): Check[] => {
      const limits = server.workers.map((w) => ({ w, mb: workerMemoryMb(w, server.site) * w.replicas }));
      const total = limits.reduce((sum, { mb }) => sum + mb, 0);
      const ceiling = OVERCOMMIT * server.size.memoryGb * 1024 + swap;
      if (total <= ceiling) return [];
      const largest = [...limits].sort((a, b) => b.mb - a.mb).slice(0, 3);
      const fit = typeWithMemory(total, server.type, server.location);
      return [
        {
          path: server.field,
          message:
            `is ${server.type} (${server.size.memoryGb} GB of memory, ${swap} MB of swap), but the workers on ` +
            `${server.site === "main" ? "it" : "each of its hosts"} may use up to ${total} MB, more than twice its memory and its swap together (${ceiling} MB) ` +
            `(most: ${largest.map(({ w, mb }) => `${w.role} ${w.replicas} x concurrency ${w.concurrency}, ${mb} MB`).join("; ")})` +
            (server.site === "main"
              ? ", and the web apps, database, broker and monitoring come on top"
              : "") +
            `: ${fit ? `pick a type whose memory holds them, such as ${fit}, or ` : ""}lower the workers' concurrency or replicas`,
        },
      ];
    });
}

export function serverCapacityProblems(org: Organisation): Check[] {
  return [...swapPastDisk(org), ...prometheusDataPastDisk(org), ...workersPastMemory(org)];
}
