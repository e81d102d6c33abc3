import fs from "node:fs";
import path from "node:path";
import { mirroredReference } from "../../constructs/host/image-lookup";
import { BROKER_IMAGE } from "../../constructs/app/broker";
import { MONITORING_IMAGES } from "../../constructs/monitoring/images";
import { NGINX_IMAGE } from "../../constructs/webserver/webserver";
import { cachedDebianRootfs } from "./debian-rootfs";
import type { LocalRegistry } from "./local-registry";
import { pushTree, type ImageConfig } from "./push-image";

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
  readonly config: ImageConfig;
  /** Extra steps in the tree (users, directories, the app stand-in). */
  readonly finish?: (root: string) => void;
  readonly finishInputs?: readonly string[];
}

const APP_STAND_IN = path.join(__dirname, "app-stand-in/websecmap");

/**
 * redis:7-alpine's entrypoint drops to the redis user when it starts redis-server; the stack's broker relies on
 * that (its config is readable by that user, /data belongs to it).
 */
const REDIS_ENTRYPOINT = `#!/bin/sh
set -e
if [ "$1" = redis-server ] && [ "$(id -u)" = 0 ]; then
  chown -R redis:redis /data
  exec setpriv --reuid=redis --regid=redis --init-groups "$@"
fi
exec "$@"
`;

function put(root: string, inside: string, content: string, mode: number): void {
  const file = path.join(root, inside);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, content, { mode });
}

/** A Prometheus project program from Debian, run as nobody like the prom/* images. */
const prometheusProgram = (reference: string, debianPackage: string, program: string): ImageRecipe => ({
  reference,
  packages: [debianPackage],
  config: { entrypoint: [`/usr/bin/${program}`], user: "nobody", workingDir: "/" },
});

/** The Failmap app stand-in's image, under the app image's name. */
export function appStandIn(reference: string): ImageRecipe {
  return {
    reference,
    packages: ["python3", "python3-redis", "python3-pymysql", "ca-certificates"],
    config: { entrypoint: ["/usr/local/bin/websecmap"], exposedPorts: ["8000/tcp"], workingDir: "/" },
    finish: (root) => put(root, "usr/local/bin/websecmap", fs.readFileSync(APP_STAND_IN, "utf8"), 0o755),
    finishInputs: [fs.readFileSync(APP_STAND_IN, "utf8")],
  };
}

/** Every image the stack pulls that Debian has the program for; the app image is the stand-in. */
export function rehearsalImages(appImage = "websecmap/websecmap:latest"): ImageRecipe[] {
  return [
    {
      reference: NGINX_IMAGE,
      packages: ["nginx"],
      // The stack runs nginx itself as the entrypoint, with its own configuration and caches.
      config: { entrypoint: ["nginx"], cmd: ["-g", "daemon off;"], exposedPorts: ["80/tcp", "443/tcp"] },
    },
    {
      reference: BROKER_IMAGE,
      packages: ["redis-server"],
      config: {
        entrypoint: ["/usr/local/bin/docker-entrypoint.sh"],
        cmd: ["redis-server"],
        workingDir: "/data",
        exposedPorts: ["6379/tcp"],
      },
      finish: (root) => {
        put(root, "usr/local/bin/docker-entrypoint.sh", REDIS_ENTRYPOINT, 0o755);
        fs.mkdirSync(path.join(root, "data"), { recursive: true });
      },
      finishInputs: [REDIS_ENTRYPOINT],
    },
    prometheusProgram(MONITORING_IMAGES.prometheus, "prometheus", "prometheus"),
    prometheusProgram(MONITORING_IMAGES.alertmanager, "prometheus-alertmanager", "prometheus-alertmanager"),
    prometheusProgram(
      MONITORING_IMAGES.blackboxExporter,
      "prometheus-blackbox-exporter",
      "prometheus-blackbox-exporter",
    ),
    prometheusProgram(
      MONITORING_IMAGES.mysqldExporter,
      "prometheus-mysqld-exporter",
      "prometheus-mysqld-exporter",
    ),
    prometheusProgram(
      MONITORING_IMAGES.brokerExporter,
      "prometheus-redis-exporter",
      "prometheus-redis-exporter",
    ),
    appStandIn(appImage),
  ];
}

/** The images the stack names that Debian has no package for: not in the local registry. */
export const NOT_IN_DEBIAN = [
  MONITORING_IMAGES.cadvisor,
  MONITORING_IMAGES.nginxLogExporter,
  MONITORING_IMAGES.grafana,
];

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
  for (const recipe of recipes) {
    const started = Date.now();
    const tree = cachedDebianRootfs({
      suite: "bookworm",
      install: recipe.packages,
      finish: (root) => {
        // The build's own: an image gets its resolver from docker, and its services are started by no one.
        fs.rmSync(path.join(root, "etc/resolv.conf"));
        fs.rmSync(path.join(root, "usr/sbin/policy-rc.d"));
        recipe.finish?.(root);
      },
      finishInputs: [recipe.finish?.toString() ?? "", ...(recipe.finishInputs ?? [])],
    });
    const mirrored = mirroredReference(recipe.reference, registry.host);
    const [, repository, tag] = /^[^/]+\/(.+):([^:/]+)$/.exec(mirrored) ?? [];
    if (!repository || !tag) throw new Error(`${recipe.reference}: an image reference with a tag is needed`);
    const digest = await pushTree(registry, tree, repository, tag, recipe.config);
    const seconds = (Date.now() - started) / 1000;
    log(`${mirrored} ${digest} (${seconds} s)`);
    built.push({ reference: recipe.reference, mirrored, digest, seconds });
  }
  return built;
}
