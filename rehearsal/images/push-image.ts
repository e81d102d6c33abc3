import { spawn } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import { Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import zlib from "node:zlib";
import type { LocalRegistry } from "./local-registry";

/*
 * A root filesystem tree pushed to the local registry as a one-layer image, through the registry's HTTP API:
 * no docker daemon and no other registry involved. The layer is a reproducible tarball of the tree, cached
 * next to it (trees in the rootfs cache never change), so pushing a cached image again costs only the upload.
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

interface Layer {
  readonly file: string;
  readonly digest: string;
  readonly diffId: string;
  readonly size: number;
}

const DEFAULT_PATH = "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
/** Not part of an image: the kernel's and the build's. */
const EXCLUDED = [
  "./proc/*",
  "./sys/*",
  "./dev/*",
  "./run/*",
  "./var/cache/apt/archives/*",
  "./var/lib/apt/lists/*",
];

const sha256 = (data: Buffer | string) => `sha256:${crypto.createHash("sha256").update(data).digest("hex")}`;

/** A pass-through stream that hashes what flows through it. */
function hashing(): Transform & { digest(): string } {
  const hash = crypto.createHash("sha256");
  const stream = new Transform({
    transform(chunk, _encoding, done) {
      hash.update(chunk);
      done(null, chunk);
    },
  });
  return Object.assign(stream, { digest: () => `sha256:${hash.digest("hex")}` });
}

async function layerOf(tree: string): Promise<Layer> {
  const file = `${tree}.layer.tar.gz`;
  const meta = `${tree}.layer.json`;
  if (fs.existsSync(meta)) return JSON.parse(fs.readFileSync(meta, "utf8")) as Layer;
  const tar = spawn(
    "tar",
    [
      ...["-C", tree, "--numeric-owner", "--sort=name", "--mtime=@0", "--xattrs"],
      ...EXCLUDED.map((pattern) => `--exclude=${pattern}`),
      ...["-cf", "-", "."],
    ],
    { stdio: ["ignore", "pipe", "inherit"] },
  );
  const uncompressed = hashing();
  const compressed = hashing();
  const tarDone = new Promise<void>((resolve, reject) =>
    tar.on("exit", (code) => (code === 0 ? resolve() : reject(new Error(`tar of ${tree} exited ${code}`)))),
  );
  await pipeline(
    tar.stdout,
    uncompressed,
    zlib.createGzip({ level: 1 }),
    compressed,
    fs.createWriteStream(`${file}.new`),
  );
  await tarDone;
  fs.renameSync(`${file}.new`, file);
  const layer = {
    file,
    digest: compressed.digest(),
    diffId: uncompressed.digest(),
    size: fs.statSync(file).size,
  };
  fs.writeFileSync(meta, JSON.stringify(layer));
  return layer;
}

async function pushBlob(
  registry: LocalRegistry,
  repository: string,
  digest: string,
  body: () => Buffer | fs.ReadStream,
  size: number,
) {
  if ((await registry.request("HEAD", `/v2/${repository}/blobs/${digest}`)).status === 200) return;
  const started = await registry.request("POST", `/v2/${repository}/blobs/uploads/`);
  const location = started.headers.location;
  if (started.status !== 202 || typeof location !== "string") {
    throw new Error(`registry refused an upload to ${repository}: ${started.status} ${started.body}`);
  }
  const url = new URL(location, `https://${registry.host}`);
  url.searchParams.set("digest", digest);
  const put = await registry.request(
    "PUT",
    `${url.pathname}${url.search}`,
    { "Content-Type": "application/octet-stream", "Content-Length": size },
    body(),
  );
  if (put.status !== 201)
    throw new Error(`registry refused blob ${digest} of ${repository}: ${put.status} ${put.body}`);
}

/**
 * Pushes the tree as `<registry>/<repository>:<tag>` and returns the manifest's digest, which is what
 * `docker_registry_image` reports and what the stack pins.
 */
export async function pushTree(
  registry: LocalRegistry,
  tree: string,
  repository: string,
  tag: string,
  config: ImageConfig,
): Promise<string> {
  const layer = await layerOf(tree);
  const imageConfig = Buffer.from(
    JSON.stringify({
      architecture: "amd64",
      os: "linux",
      created: "1970-01-01T00:00:00Z",
      config: {
        Env: [DEFAULT_PATH, ...(config.env ?? [])],
        Entrypoint: config.entrypoint,
        Cmd: config.cmd,
        User: config.user,
        WorkingDir: config.workingDir,
        ExposedPorts: Object.fromEntries((config.exposedPorts ?? []).map((port) => [port, {}])),
        Volumes: config.volumes && Object.fromEntries(config.volumes.map((volume) => [volume, {}])),
        StopSignal: config.stopSignal,
        Labels: {
          "org.failmap.rehearsal": "built from Debian packages by rehearsal/images",
          ...config.labels,
        },
      },
      rootfs: { type: "layers", diff_ids: [layer.diffId] },
      history: [
        { created: "1970-01-01T00:00:00Z", created_by: "failmap rehearsal: debootstrap and apt-get" },
      ],
    }),
  );
  const configDigest = sha256(imageConfig);
  await pushBlob(registry, repository, layer.digest, () => fs.createReadStream(layer.file), layer.size);
  await pushBlob(registry, repository, configDigest, () => imageConfig, imageConfig.length);
  const manifest = JSON.stringify({
    schemaVersion: 2,
    mediaType: "application/vnd.docker.distribution.manifest.v2+json",
    config: {
      mediaType: "application/vnd.docker.container.image.v1+json",
      size: imageConfig.length,
      digest: configDigest,
    },
    layers: [
      {
        mediaType: "application/vnd.docker.image.rootfs.diff.tar.gzip",
        size: layer.size,
        digest: layer.digest,
      },
    ],
  });
  const put = await registry.request(
    "PUT",
    `/v2/${repository}/manifests/${tag}`,
    { "Content-Type": "application/vnd.docker.distribution.manifest.v2+json" },
    Buffer.from(manifest),
  );
  if (put.status !== 201) throw new Error(`registry refused ${repository}:${tag}: ${put.status} ${put.body}`);
  return sha256(manifest);
}
