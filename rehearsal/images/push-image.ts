import { spawn, type ChildProcess } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { requireProgram } from "../../ops/system/programs";
import type { LocalRegistry } from "./local-registry";

/*
 * A root filesystem tree pushed to the local registry as a one-layer image, with Debian's maintained tools:
 * umoci lays the tree out as an OCI image and sets its configuration, skopeo copies it to the registry. No
 * docker daemon and no other registry is involved. The OCI layout is cached next to the tree (trees in the
 * rootfs cache never change), so pushing a cached image again costs a new configuration and the upload.
 */

/** What `docker run` takes from the image, as in a Dockerfile. */
export interface ImageConfig {
  readonly entrypoint?: readonly string[];
  readonly cmd?: readonly string[];
  /** NAME=value; PATH is always set. */
  readonly env?: readonly string[];
  readonly user?: string;
  readonly workingDir?: string;
  /** e.g. 8000/tcp */
  readonly exposedPorts?: readonly string[];
  /** Paths that get an anonymous volume unless something is mounted there. */
  readonly volumes?: readonly string[];
  /** What `docker stop` sends first. @default SIGTERM */
  readonly stopSignal?: string;
  /** @default - org.failmap.rehearsal says the image is built from Debian packages */
  readonly labels?: Readonly<Record<string, string>>;
}

const DEFAULT_PATH = "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
/** A fixed date, so that the same tree and configuration make the same image. */
const EPOCH = "1970-01-01T00:00:00Z";
/** The layer's tag in the cached layout: the tree with no configuration. */
const LAYER_TAG = "tree";
/** Not part of an image: the kernel's and the build's. */
const EXCLUDED = [
  "./proc/*",
  "./sys/*",
  "./dev/*",
  "./run/*",
  "./var/cache/apt/archives/*",
  "./var/lib/apt/lists/*",
];

/** Starts `command`; `done` rejects, with what it wrote on stderr, unless it exits 0. */
function start(command: string, args: readonly string[]): { child: ChildProcess; done: Promise<void> } {
  const child = spawn(command, args, { stdio: ["ignore", "ignore", "pipe"] });
  let stderr = "";
  child.stderr?.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const done = new Promise<void>((resolve, reject) => {
    child.once("error", reject);
    child.once("close", (code) =>
      code === 0
        ? resolve()
        : reject(new Error(`${command} ${args.slice(0, 2).join(" ")} exited ${code}: ${stderr.trim()}`)),
    );
  });
  return { child, done };
}

/** Runs `command` without blocking the event loop. */
const run = (command: string, args: readonly string[]) => start(command, args).done;

/**
 * The OCI layout of `tree`, made once: a reproducible tarball of the tree (sorted, numeric owners, mtime 0,
 * extended attributes such as file capabilities kept) added verbatim as the one layer of tag `tree`; umoci
 * compresses it the same way each time, so the same tree makes the same layer.
 */
async function layoutOf(tree: string): Promise<string> {
  const layout = `${tree}.oci`;
  if (fs.existsSync(layout)) return layout;
  // Tests build images in parallel: each lays out in a folder of its own, and the first to finish wins.
  const building = fs.mkdtempSync(`${layout}.building-`);
  try {
    const image = `${path.join(building, "layout")}:${LAYER_TAG}`;
    await run("umoci", ["init", "--layout", path.join(building, "layout")]);
    await run("umoci", ["new", "--image", image]);
    // umoci reads the layer from a path, and cannot open a pipe's /dev/stdin: tar writes to a FIFO instead.
    const fifo = path.join(building, "layer.tar");
    await run("mkfifo", [fifo]);
    const writer = start("tar", [
      ...["-C", tree, "--numeric-owner", "--sort=name", "--mtime=@0", "--xattrs"],
      // --xattrs writes POSIX tar: without this, each entry's header holds its atime and ctime and the PID.
      "--pax-option=exthdr.name=%d/PaxHeaders/%f,delete=atime,delete=ctime",
      ...EXCLUDED.map((pattern) => `--exclude=${pattern}`),
      ...["-cf", fifo, "."],
    ]);
    const reader = start("umoci", [
      ...["raw", "add-layer", "--image", image],
      ...["--history.created", EPOCH, "--history.created_by", "failmap rehearsal: debootstrap and apt-get"],
      fifo,
    ]);
    // One that fails leaves the other waiting on the FIFO for ever.
    await Promise.all([writer.done, reader.done]).catch((error: unknown) => {
      writer.child.kill();
      reader.child.kill();
      throw error;
    });
    try {
      fs.renameSync(path.join(building, "layout"), layout);
    } catch (error) {
      if (!fs.existsSync(layout)) throw error;
    }
  } finally {
    fs.rmSync(building, { recursive: true, force: true });
  }
  return layout;
}

/** umoci's options that give the image `config`, labelled as the rehearsal's. */
function configOptions(config: ImageConfig): string[] {
  const labels = {
    "org.failmap.rehearsal": "built from Debian packages by rehearsal/images",
    ...config.labels,
  };
  const each = (option: string, values: readonly string[] = []) => values.flatMap((value) => [option, value]);
  return [
    ...["--created", EPOCH, "--architecture", "amd64", "--os", "linux"],
    ...each("--config.env", [DEFAULT_PATH, ...(config.env ?? [])]),
    ...each("--config.entrypoint", config.entrypoint),
    ...each("--config.cmd", config.cmd),
    ...each("--config.user", config.user === undefined ? [] : [config.user]),
    ...each("--config.workingdir", config.workingDir === undefined ? [] : [config.workingDir]),
    ...each("--config.exposedports", config.exposedPorts),
    ...each("--config.volume", config.volumes),
    ...each("--config.stopsignal", config.stopSignal === undefined ? [] : [config.stopSignal]),
    ...each(
      "--config.label",
      Object.entries(labels).map(([name, value]) => `${name}=${value}`),
    ),
  ];
}

/**
 * Pushes the tree as `<registry>/<repository>:<tag>` and returns the manifest's digest, which is what
 * `docker_registry_image` reports and what the stack pins. The manifest is Docker's v2 schema 2, as
 * `docker push` writes it.
 */
export async function pushTree(
  registry: LocalRegistry,
  tree: string,
  repository: string,
  tag: string,
  config: ImageConfig,
): Promise<string> {
  requireProgram("umoci", "umoci");
  requireProgram("skopeo", "skopeo");
  const layout = await layoutOf(tree);
  const options = configOptions(config);
  // One tag in the layout for each configuration: the same tree may be pushed with several.
  const configured = `config-${crypto.createHash("sha256").update(JSON.stringify(options)).digest("hex").slice(0, 16)}`;
  // umoci refuses to wait for another umoci on the same layout (it locks without waiting): flock queues them.
  await run("flock", [
    ...["--wait", "600", `${layout}.lock`],
    ...["umoci", "config", "--image", `${layout}:${LAYER_TAG}`, "--tag", configured, "--no-history"],
    ...options,
  ]);
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "failmap-push-"));
  try {
    const digestFile = path.join(scratch, "digest");
    await run("skopeo", [
      ...["copy", "--quiet", "--format", "v2s2", "--dest-cert-dir", registry.trustDir],
      // Our own image from our own layout: no signature policy to apply.
      "--insecure-policy",
      ...["--digestfile", digestFile],
      `oci:${layout}:${configured}`,
      `docker://${registry.host}/${repository}:${tag}`,
    ]);
    return fs.readFileSync(digestFile, "utf8").trim();
  } finally {
    fs.rmSync(scratch, { recursive: true, force: true });
  }
}
