import fs from "node:fs";
import path from "node:path";
import { mirroredReference } from "../../constructs/host/image-lookup";
import { BROKER_IMAGE } from "../../constructs/app/broker";
import { WORKER_ROLE_TABLE } from "../../config/worker-roles";
import { MONITORING_IMAGES, type MonitoringImages } from "../../constructs/monitoring/images";
import { PORTS } from "../../config/model/ports";
import { NGINX_IMAGE } from "../../constructs/webserver/webserver";
import { cachedDebianRootfs } from "./debian-rootfs";
import type { LocalRegistry } from "./local-registry";
import { pushTree, type ImageConfig } from "./push-image";
import { applyTreeSteps, repoDirectory, repoFile, type TreeFile, type TreeSteps } from "./tree-steps";

/*
 * The images of the local registry, built from Debian packages in a debootstrapped tree (no image registry
 * anywhere) and pushed under the names the stack uses, laid out as a registry mirror serves them. docs/rehearsal.md
 * says which are the real program and which are stand-ins.
 */

export interface ImageRecipe {
  /** The reference as the stack names it (constructs/...), e.g. nginx:1.28-alpine. */
  readonly reference: string;
  /** Debian packages installed in the image. */
  readonly packages: readonly string[];
  /** The upstream image's ENTRYPOINT, CMD, USER, WORKDIR, EXPOSE, VOLUME and STOPSIGNAL (docs/rehearsal.md). */
  readonly config: ImageConfig;
  /** What the upstream image has beyond the program: its entrypoint script, paths, users, tools. */
  readonly tree?: TreeSteps;
  /**
   * Built for one run only (e.g. it trusts a root made for that run): its tree and OCI layout leave the rootfs
   * cache once pushed, since no later run can use them (each was about 490 MB).
   * @default false
   */
  readonly singleUse?: boolean;
}

const NOBODY = "65534:65534";

/**
 * An image whose upstream is built on Alpine or prom/busybox: busybox's applets that the tree lacks (wget,
 * nc, ps, ...) are linked on the PATH after the recipe's own steps, for the health checks that call them.
 */
function withBusybox(recipe: ImageRecipe): ImageRecipe {
  const applets = [
    "sh",
    "-c",
    'for applet in $(busybox --list); do command -v "$applet" >/dev/null || ln -s /bin/busybox "/usr/local/bin/$applet"; done',
  ];
  const tree = recipe.tree ?? {};
  return {
    ...recipe,
    packages: [...recipe.packages, "busybox"],
    tree: { ...tree, commands: [...(tree.commands ?? []), applets] },
  };
}

/** A directory that belongs to the program's user, as the upstream Dockerfile makes it. */
const ownedDirectory = (dir: string, owner = NOBODY) => [
  "install",
  "-d",
  "-o",
  owner.split(":")[0],
  "-g",
  owner.split(":")[1],
  dir,
];
/** The upstream image's path for a program Debian installs under another name. */
const link = (target: string, linkPath: string) => ["ln", "-sfn", target, linkPath];

const nginx = withBusybox({
  reference: NGINX_IMAGE,
  packages: ["nginx", "libnginx-mod-stream", "curl", "ca-certificates"],
  config: {
    entrypoint: ["/docker-entrypoint.sh"],
    cmd: ["nginx", "-g", "daemon off;"],
    exposedPorts: ["80/tcp"],
    stopSignal: "SIGQUIT",
  },
  tree: {
    commands: [
      // Debian's binary moves aside for the wrapper that loads the stream module upstream has built in;
      // still named nginx, so that its processes are `nginx` (ps, pidof) as upstream's are.
      ["install", "-d", "/usr/lib/nginx/bin"],
      [
        "dpkg-divert",
        "--local",
        "--rename",
        "--divert",
        "/usr/lib/nginx/bin/nginx",
        "--add",
        "/usr/sbin/nginx",
      ],
      ["groupadd", "--system", "--gid", "101", "nginx"],
      [
        "useradd",
        "--system",
        "--uid",
        "101",
        "--gid",
        "nginx",
        "--no-create-home",
        "--home-dir",
        "/var/cache/nginx",
        "--shell",
        "/sbin/nologin",
        "nginx",
      ],
      ["install", "-d", "/docker-entrypoint.d", "/var/cache/nginx"],
      link("/dev/stdout", "/var/log/nginx/access.log"),
      link("/dev/stderr", "/var/log/nginx/error.log"),
      link("nginx", "/usr/sbin/nginx-debug"),
    ],
    files: {
      "/docker-entrypoint.sh": repoFile("nginx/docker-entrypoint.sh"),
      "/usr/sbin/nginx": repoFile("nginx/nginx"),
      "/etc/nginx/nginx.conf": repoFile("nginx/nginx.conf"),
      "/etc/nginx/conf.d/default.conf": repoFile("nginx/default.conf"),
    },
  },
});

const redis = withBusybox({
  reference: BROKER_IMAGE,
  packages: ["redis-server"],
  config: {
    entrypoint: ["docker-entrypoint.sh"],
    cmd: ["redis-server"],
    workingDir: "/data",
    volumes: ["/data"],
    exposedPorts: ["6379/tcp"],
  },
  tree: {
    commands: [ownedDirectory("/data", "redis:redis")],
    files: { "/usr/local/bin/docker-entrypoint.sh": repoFile("redis/docker-entrypoint.sh") },
  },
});

const prometheus = withBusybox({
  reference: MONITORING_IMAGES.prometheus,
  packages: ["prometheus"],
  config: {
    entrypoint: ["/bin/prometheus"],
    cmd: [
      "--config.file=/etc/prometheus/prometheus.yml",
      "--storage.tsdb.path=/prometheus",
      "--web.console.libraries=/usr/share/prometheus/console_libraries",
      "--web.console.templates=/usr/share/prometheus/consoles",
    ],
    user: "nobody",
    workingDir: "/prometheus",
    volumes: ["/prometheus"],
    exposedPorts: ["9090/tcp"],
  },
  tree: {
    commands: [
      ownedDirectory("/prometheus"),
      link("/etc/prometheus/console_libraries", "/usr/share/prometheus/console_libraries"),
      link("/etc/prometheus/consoles", "/usr/share/prometheus/consoles"),
    ],
  },
});

const alertmanager = withBusybox({
  reference: MONITORING_IMAGES.alertmanager,
  packages: ["prometheus-alertmanager"],
  config: {
    entrypoint: ["/bin/alertmanager"],
    cmd: ["--config.file=/etc/alertmanager/alertmanager.yml", "--storage.path=/alertmanager"],
    user: "nobody",
    workingDir: "/alertmanager",
    volumes: ["/alertmanager"],
    exposedPorts: ["9093/tcp"],
  },
  tree: {
    commands: [
      link("/usr/bin/prometheus-alertmanager", "/usr/bin/alertmanager"),
      ownedDirectory("/alertmanager"),
      ownedDirectory("/etc/alertmanager"),
      [
        "install",
        "-o",
        "nobody",
        "-m",
        "0644",
        "/etc/prometheus/alertmanager.yml",
        "/etc/alertmanager/alertmanager.yml",
      ],
    ],
  },
});

const blackboxExporter = withBusybox({
  reference: MONITORING_IMAGES.blackboxExporter,
  packages: ["prometheus-blackbox-exporter"],
  config: {
    entrypoint: ["/bin/blackbox_exporter"],
    cmd: ["--config.file=/etc/blackbox_exporter/config.yml"],
    exposedPorts: ["9115/tcp"],
  },
  tree: {
    commands: [
      link("/usr/bin/prometheus-blackbox-exporter", "/usr/bin/blackbox_exporter"),
      ["install", "-D", "-m", "0644", "/etc/prometheus/blackbox.yml", "/etc/blackbox_exporter/config.yml"],
    ],
  },
});

const mysqldExporter = withBusybox({
  reference: MONITORING_IMAGES.mysqldExporter,
  packages: ["prometheus-mysqld-exporter"],
  config: { entrypoint: ["/bin/mysqld_exporter"], user: "nobody", exposedPorts: ["9104/tcp"] },
  tree: {
    commands: [link("/usr/bin/prometheus-mysqld-exporter", "/usr/bin/mysqld_exporter")],
  },
});

/** Upstream is FROM scratch: no shell and no tools, so none are added (Debian's minbase is still there). */
const brokerExporter: ImageRecipe = {
  reference: MONITORING_IMAGES.brokerExporter,
  packages: ["prometheus-redis-exporter"],
  config: { entrypoint: ["/redis_exporter"], user: "59000:59000", exposedPorts: ["9121/tcp"] },
  tree: { commands: [link("/usr/bin/prometheus-redis-exporter", "/redis_exporter")] },
};

/** Role → queues, from the stack's own table, so the stand-in's workers consume what the stack expects. */
function workerRolesFile(): TreeFile {
  const queues = Object.fromEntries(
    Object.entries(WORKER_ROLE_TABLE).map(([role, spec]) => [role, spec.queues]),
  );
  return { content: `${JSON.stringify(queues, null, 2)}\n`, mode: 0o644 };
}

/** The Failmap app stand-in's image, under the app image's name: real Celery, stand-in everything else. */
export function appStandIn(reference: string): ImageRecipe {
  return {
    reference,
    packages: [
      "python3",
      "python3-celery",
      "python3-redis",
      "python3-eventlet",
      "python3-gevent",
      "python3-pymysql",
      "ca-certificates",
    ],
    config: { entrypoint: ["/usr/local/bin/websecmap"], exposedPorts: ["8000/tcp"], workingDir: "/" },
    tree: {
      files: {
        "/usr/local/bin/websecmap": repoFile("app-stand-in/websecmap"),
        ...repoDirectory("app-stand-in/lib", "/usr/local/lib/websecmap-stand-in"),
        "/usr/local/lib/websecmap-stand-in/websecmap_standin/worker-roles.json": workerRolesFile(),
      },
    },
  };
}

/**
 * An image whose program Debian has no package of, pushed under its name so that the stack's lookups and
 * deploys work: it stays up, answers the stack's health check for it and nothing else, and says so in its
 * labels and its log (placeholder/serve). `entrypoint` is the upstream's, with placeholder/<script> at its
 * program's path, which takes the stack's arguments.
 */
function placeholder(reference: string, script: string, config: ImageConfig): ImageRecipe {
  const [program] = config.entrypoint ?? [];
  if (!program) throw new Error(`placeholder ${reference}: the upstream entrypoint is needed`);
  return withBusybox({
    reference,
    packages: [],
    config: {
      ...config,
      env: [`PLACEHOLDER_FOR=${reference}`],
      labels: { "org.failmap.rehearsal": "placeholder", "org.failmap.rehearsal.placeholder-for": reference },
    },
    tree: {
      files: {
        "/usr/local/lib/failmap-placeholder/serve": repoFile("placeholder/serve"),
        [program]: repoFile(`placeholder/${script}`),
      },
    },
  });
}

/**
 * The images the stack names that Debian has no package for: the placeholder's script, its upstream image's
 * configuration, and the port the stack's Prometheus scrapes the program on.
 */
const PLACEHOLDERS: readonly {
  readonly image: keyof MonitoringImages;
  readonly script: string;
  readonly config: ImageConfig;
  readonly port: number;
}[] = [
  {
    image: "cadvisor",
    script: "cadvisor",
    config: { entrypoint: ["/usr/bin/cadvisor", "-logtostderr"], exposedPorts: ["8080/tcp"] },
    port: PORTS.cadvisor,
  },
  // Upstream is FROM scratch; the placeholder has a shell, which it needs.
  {
    image: "nginxLogExporter",
    script: "nginxlog-exporter",
    config: { entrypoint: ["/prometheus-nginxlog-exporter"], exposedPorts: ["4040/tcp"] },
    port: PORTS.nginxLogExporter,
  },
  {
    image: "grafana",
    script: "grafana-run.sh",
    config: {
      entrypoint: ["/run.sh"],
      user: "472",
      workingDir: "/usr/share/grafana",
      exposedPorts: ["3000/tcp"],
    },
    port: PORTS.grafana,
  },
];
const placeholders = PLACEHOLDERS.map(({ image, script, config }) =>
  placeholder(MONITORING_IMAGES[image], script, config),
);

/** The images the stack names that Debian has no package for: placeholders in the local registry. */
export const NOT_IN_DEBIAN = placeholders.map((recipe) => recipe.reference);

/** Where Prometheus scrapes the programs the placeholders stand for: those targets are down by design. */
export const PLACEHOLDER_PORTS: readonly number[] = PLACEHOLDERS.map(({ port }) => port);

/**
 * Every image the stack pulls: those Debian has the program for, the app image as the stand-in, and
 * placeholders for the rest.
 */
export function rehearsalImages(appImage = "websecmap/websecmap:latest"): ImageRecipe[] {
  return [
    nginx,
    redis,
    prometheus,
    alertmanager,
    blackboxExporter,
    mysqldExporter,
    brokerExporter,
    appStandIn(appImage),
    ...placeholders,
  ];
}

export interface BuiltImage {
  readonly reference: string;
  /** As the servers pull it: <registry>/<path>:<tag>. */
  readonly mirrored: string;
  readonly digest: string;
  readonly seconds: number;
}

/** Builds (or takes from the cache) and pushes each image; `log` gets a line per image. */
export async function buildImages(
  registry: LocalRegistry,
  recipes: readonly ImageRecipe[],
  log: (line: string) => void = () => {},
): Promise<BuiltImage[]> {
  const built: BuiltImage[] = [];
  // Removed after the last push: two recipes of one run may share a tree (two app references).
  const singleUse = new Set<string>();
  try {
    for (const recipe of recipes) {
      const started = Date.now();
      const tree = cachedDebianRootfs({
        suite: "bookworm",
        install: recipe.packages,
        finish: (root) => {
          applyTreeSteps(root, recipe.tree ?? {});
          // The build's own: an image gets its resolver from docker, and its services are started by no one.
          fs.rmSync(path.join(root, "etc/resolv.conf"));
          fs.rmSync(path.join(root, "usr/sbin/policy-rc.d"));
        },
        // Everything that goes into the tree, contents included, and the code that applies it: any change
        // builds a new tree.
        finishInputs: [JSON.stringify(recipe.tree ?? {}), applyTreeSteps.toString()],
      });
      const mirrored = mirroredReference(recipe.reference, registry.host);
      const [, repository, tag] = /^[^/]+\/(.+):([^:/]+)$/.exec(mirrored) ?? [];
      if (!repository || !tag)
        throw new Error(`${recipe.reference}: an image reference with a tag is needed`);
      if (recipe.singleUse) singleUse.add(tree);
      const digest = await pushTree(registry, tree, repository, tag, recipe.config);
      const seconds = (Date.now() - started) / 1000;
      log(`${mirrored} ${digest} (${seconds} s)`);
      built.push({ reference: recipe.reference, mirrored, digest, seconds });
    }
  } finally {
    for (const tree of singleUse) {
      for (const done of [tree, `${tree}.oci`, `${tree}.oci.lock`])
        fs.rmSync(done, { recursive: true, force: true });
    }
  }
  return built;
}
