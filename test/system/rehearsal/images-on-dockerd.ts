import fs from "node:fs";
import path from "node:path";
import { REHEARSAL_CACHE } from "../../../rehearsal/images/debian-rootfs";
import { buildImages, type ImageRecipe } from "../../../rehearsal/images/images";
import { LocalRegistry } from "../../../rehearsal/images/local-registry";
import { hold } from "../../../rehearsal/network/network-hold";
import { DockerDaemon, requireDocker } from "../broker-endpoint/docker-daemon";
import { freePort, requireProgram } from "../support/programs";
import { eventually } from "../support/eventually";

/*
 * The rehearsal's images as a server gets them: built from Debian packages (or taken from the rootfs cache),
 * pushed to a registry of the test's own, and pulled by a dockerd of the test's own. The registry's TLS is
 * the rehearsal CA's; this dockerd skips verifying it (--insecure-registry), which the machine test
 * (nspawn-machines.test.ts) does verify.
 *
 * The registry's storage and the dockerd's images are kept between runs (CACHE), as the rehearsal keeps its
 * registry storage: a test file pushes and pulls only what changed since the last, instead of every image
 * (about 30 s of pushes and 110 s of pulls for the eleven images on a busy machine). Whatever a crashed run
 * left in them besides images (containers, volumes, networks) goes first; one test file uses them at a time.
 */
const CACHE = path.join(REHEARSAL_CACHE, "system-images");

export interface ImagesOnDockerd {
  /** Removes the test's containers, stops its dockerd and lets the next test file have the cache. */
  readonly stop: () => Promise<void>;
  readonly docker: DockerDaemon;
  /** The stack's reference (nginx:1.28-alpine) → the pulled image's name in this dockerd. */
  readonly image: (reference: string) => string;
  /** The docker CLI against this daemon: its output, or an error with it unless docker exits 0. */
  readonly ok: (args: readonly string[]) => string;
}

/** Polls `check` until it holds (eventually's budget, sized for a busy machine); fails naming `what`. */
export function until(what: string, check: () => boolean): Promise<void> {
  return eventually(what, check);
}

export async function imagesOnDockerd(
  dir: string,
  recipes: readonly ImageRecipe[],
): Promise<ImagesOnDockerd> {
  requireDocker();
  requireProgram("docker-registry", "docker-registry");
  const cache = await hold("system-images", `the system tests' images (${CACHE})`, (line) =>
    process.stdout.write(`${line}\n`),
  );
  let registry: LocalRegistry | undefined;
  let docker: DockerDaemon | undefined;
  try {
    registry = await LocalRegistry.start({
      address: "127.0.0.1",
      port: await freePort(),
      dir: path.join(CACHE, "registry"),
    });
    const built = await buildImages(registry, recipes);
    fs.mkdirSync(path.join(dir, "docker"), { recursive: true });
    docker = await DockerDaemon.start(
      path.join(dir, "docker"),
      [`--insecure-registry=${registry.host}`],
      path.join(CACHE, "docker"),
    );
    // A crashed run's containers may have been restarted with the daemon: removed, running or not.
    const leftovers = docker.run(["ps", "-aq"]).output.split("\n").filter(Boolean);
    if (leftovers.length > 0) docker.run(["rm", "-f", ...leftovers]);
    for (const kind of ["volume", "network"]) {
      const pruned = docker.run([kind, "prune", "--force"]);
      if (pruned.status !== 0) throw new Error(`docker ${kind} prune: ${pruned.output}`);
    }
    for (const { mirrored } of built) {
      const pulled = docker.run(["pull", "--quiet", mirrored]);
      if (pulled.status !== 0) throw new Error(`docker pull ${mirrored}: ${pulled.output}`);
    }
    const names = new Map(built.map((b) => [b.reference, b.mirrored]));
    const daemon = docker;
    return {
      stop: async () => {
        try {
          await daemon.stop();
        } finally {
          cache.release();
        }
      },
      docker,
      ok: (args) => {
        const result = daemon.run(args);
        if (result.status !== 0) {
          throw new Error(`docker ${args.join(" ")}: exit ${result.status}\n${result.output}`);
        }
        return result.output;
      },
      image: (reference) => {
        const name = names.get(reference);
        if (!name) throw new Error(`${reference} is not among the images built for this test`);
        return name;
      },
    };
  } catch (error) {
    await docker?.stop();
    cache.release();
    throw error;
  } finally {
    await registry?.stop();
  }
}
