import { execFileSync } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { LocalRegistry } from "../../../rehearsal/images/local-registry";
import { pushTree } from "../../../rehearsal/images/push-image";
import { freePort, requireProgram } from "../support/programs";

/*
 * A tree pushed to Debian's docker-registry as umoci lays it out and skopeo copies it, read back as a client
 * of the registry reads it (skopeo inspect against the local CA): the manifest docker pulls, the digest the
 * stack pins, and the configuration `docker run` takes.
 */
let dir: string;
let registry: LocalRegistry;

const inspect = (reference: string, what: "--raw" | "--config") =>
  execFileSync(
    requireProgram("skopeo", "skopeo"),
    ["inspect", what, "--cert-dir", registry.trustDir, `docker://${registry.host}/${reference}`],
    { encoding: "utf8" },
  );

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "failmap-push-image-"));
  registry = await LocalRegistry.start({
    address: "127.0.0.1",
    port: await freePort(),
    dir: path.join(dir, "registry"),
  });
  fs.mkdirSync(path.join(dir, "tree/etc"), { recursive: true });
  fs.mkdirSync(path.join(dir, "tree/proc/1"), { recursive: true });
  fs.writeFileSync(path.join(dir, "tree/etc/motd"), "a rehearsal image\n");
}, 60_000);

afterAll(async () => {
  await registry?.stop();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

test("the image docker pulls: a Docker v2 manifest of one layer, the digest returned is the manifest's, the configuration as given", async () => {
  const tree = path.join(dir, "tree");
  const digest = await pushTree(registry, tree, "library/nginx", "1.28-alpine", {
    entrypoint: ["/docker-entrypoint.sh"],
    cmd: ["nginx", "-g", "daemon off;"],
    env: ["GF_PATHS=a,b"],
    user: "nobody",
    workingDir: "/data",
    exposedPorts: ["80/tcp"],
    volumes: ["/data"],
    stopSignal: "SIGQUIT",
    labels: { "org.failmap.rehearsal.placeholder-for": "nginx" },
  });

  const manifest = inspect("library/nginx:1.28-alpine", "--raw");
  expect(digest).toBe(`sha256:${crypto.createHash("sha256").update(manifest).digest("hex")}`);
  expect(JSON.parse(manifest)).toMatchObject({
    schemaVersion: 2,
    mediaType: "application/vnd.docker.distribution.manifest.v2+json",
    config: { mediaType: "application/vnd.docker.container.image.v1+json" },
    layers: [{ mediaType: "application/vnd.docker.image.rootfs.diff.tar.gzip" }],
  });
  expect(JSON.parse(inspect("library/nginx:1.28-alpine", "--config"))).toMatchObject({
    architecture: "amd64",
    os: "linux",
    created: "1970-01-01T00:00:00Z",
    config: {
      Entrypoint: ["/docker-entrypoint.sh"],
      Cmd: ["nginx", "-g", "daemon off;"],
      Env: ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "GF_PATHS=a,b"],
      User: "nobody",
      WorkingDir: "/data",
      ExposedPorts: { "80/tcp": {} },
      Volumes: { "/data": {} },
      StopSignal: "SIGQUIT",
      Labels: {
        "org.failmap.rehearsal": "built from Debian packages by rehearsal/images",
        "org.failmap.rehearsal.placeholder-for": "nginx",
      },
    },
  });
}, 60_000);

test("the same tree makes the same image: laid out again from nothing, and copied under another name", async () => {
  const tree = path.join(dir, "tree");
  const first = await pushTree(registry, tree, "library/redis", "7-alpine", { cmd: ["redis-server"] });
  fs.rmSync(`${tree}.oci`, { recursive: true });
  fs.utimesSync(path.join(tree, "etc/motd"), new Date(), new Date());
  expect(await pushTree(registry, tree, "mirror/redis", "7-alpine", { cmd: ["redis-server"] })).toBe(first);
  // A configuration of its own for each push from the one layout.
  expect(await pushTree(registry, tree, "library/redis", "other", { cmd: ["sh"] })).not.toBe(first);
}, 60_000);
