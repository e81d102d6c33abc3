import { execFileSync, spawnSync, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { requirePrograms, startDaemon, stopDaemon, STREAM_MODULE } from "./programs";

/** Debian's docker.io, not whatever else is first on the PATH: the one the hosts run. */
const DOCKER_PATH = "/usr/bin:/usr/sbin:/bin:/sbin";
const PID_FILE = "docker.pid";

export function requireDocker(): void {
  requirePrograms({ "/usr/sbin/dockerd": "docker.io", "/usr/bin/docker": "docker.io", nginx: "nginx" });
  requirePrograms({ [STREAM_MODULE]: "libnginx-mod-stream" });
}

/**
 * A dockerd of the test's own (its socket, data and state in `dir`), without iptables rules or a bridge:
 * containers use the host network or none, and the machine's own Docker, if any, is never touched.
 */
export class DockerDaemon {
  readonly env: NodeJS.ProcessEnv;

  private constructor(
    private readonly daemon: ChildProcess,
    private readonly dir: string,
    readonly socket: string,
  ) {
    this.env = { PATH: DOCKER_PATH, DOCKER_HOST: `unix://${socket}` };
  }

  /**
   * `extraArgs`: further dockerd flags, e.g. --insecure-registry for a test's own registry. `dataRoot`: its
   * images and containers somewhere else than in `dir` (a cache kept between runs), @default `<dir>/data`.
   */
  static async start(
    dir: string,
    extraArgs: readonly string[] = [],
    dataRoot = path.join(dir, "data"),
  ): Promise<DockerDaemon> {
    const socket = path.join(dir, "docker.sock");
    const daemon = startDaemon(
      "/usr/sbin/dockerd",
      [
        `--data-root=${dataRoot}`,
        `--exec-root=${path.join(dir, "exec")}`,
        `--pidfile=${path.join(dir, PID_FILE)}`,
        `--host=unix://${socket}`,
        "--iptables=false",
        "--ip6tables=false",
        "--bridge=none",
        ...extraArgs,
      ],
      path.join(dir, "dockerd.log"),
    );
    const docker = new DockerDaemon(daemon, dir, socket);
    const deadline = Date.now() + 30_000;
    while (Date.now() < deadline && daemon.exitCode === null) {
      if (docker.run(["version"]).status === 0) return docker;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    await stopDaemon(daemon);
    throw new Error(`dockerd did not start:\n${fs.readFileSync(path.join(dir, "dockerd.log"), "utf8")}`);
  }

  /** dockerd's pid file: there while it runs, removed as it exits. */
  get pidFile(): string {
    return path.join(this.dir, PID_FILE);
  }

  /** The docker CLI against this daemon. */
  run(args: readonly string[]): { status: number | null; output: string } {
    const result = spawnSync("docker", args, { env: this.env, encoding: "utf8", timeout: 60_000 });
    return { status: result.status, output: `${result.stdout}${result.stderr}`.trim() };
  }

  /** A shell command as a host runs it (HostFiles `then:`), with `docker` meaning this daemon. */
  sh(command: string): { status: number | null; output: string } {
    const result = spawnSync("sh", ["-c", command], { env: this.env, encoding: "utf8", timeout: 60_000 });
    return { status: result.status, output: `${result.stdout}${result.stderr}`.trim() };
  }

  /**
   * Removes every container and stops the daemon. It unmounts its layers on the way out, but leaves its
   * default network namespace mounted (exec-root/netns/default): whatever is still mounted below `dir`
   * is unmounted here, deepest first, so the directory can go.
   */
  async stop(): Promise<void> {
    const ids = this.run(["ps", "-aq"]).output.split("\n").filter(Boolean);
    if (ids.length > 0) this.run(["rm", "-f", ...ids]);
    await stopDaemon(this.daemon);
    unmountBelow(this.dir);
  }
}

/** Unmounts whatever is mounted below `dir`, deepest first, so the directory can go. */
export function unmountBelow(dir: string): void {
  const mounts = fs
    .readFileSync("/proc/mounts", "utf8")
    .split("\n")
    .map((line) => line.split(" ")[1])
    .filter((mountPoint) => mountPoint?.startsWith(`${dir}/`))
    .sort((a, b) => b.length - a.length);
  for (const mountPoint of mounts) execFileSync("umount", [mountPoint]);
}

/**
 * An nginx image made from this machine's own nginx (Debian's, with the stream module). Its entrypoint is
 * `nginx`, as the rehearsal's stand-in image has it, unlike the upstream image's /docker-entrypoint.sh: what
 * runs must not depend on which one it is.
 */
export function importHostNginx(docker: DockerDaemon, dir: string, tag: string): void {
  importHostPrograms(docker, dir, tag, { files: ["/usr/sbin/nginx", STREAM_MODULE], entrypoint: "nginx" });
}

/**
 * An image made from programs of this machine (Debian's) and the libraries they link, and `scripts` (path to
 * text, executable), imported without a registry, with `entrypoint` (a program name, found on Docker's
 * default PATH) as its entrypoint.
 */
export function importHostPrograms(
  docker: DockerDaemon,
  dir: string,
  tag: string,
  image: {
    readonly files: readonly string[];
    readonly entrypoint: string;
    readonly scripts?: Readonly<Record<string, string>>;
  },
): void {
  const root = path.join(dir, `rootfs-${tag.replace(/[^a-z0-9]+/g, "-")}`);
  const libraries = image.files.flatMap(
    (file) => execFileSync("ldd", [file], { encoding: "utf8" }).match(/\/\S+/g) ?? [],
  );
  for (const file of new Set([...image.files, ...libraries])) {
    fs.mkdirSync(path.join(root, path.dirname(file)), { recursive: true });
    fs.copyFileSync(fs.realpathSync(file), path.join(root, file));
    fs.chmodSync(path.join(root, file), 0o755);
  }
  for (const [file, text] of Object.entries(image.scripts ?? {})) {
    fs.mkdirSync(path.join(root, path.dirname(file)), { recursive: true });
    fs.writeFileSync(path.join(root, file), text, { mode: 0o755 });
  }
  for (const d of ["etc", "run", "tmp", "var/log/nginx", "var/lib/nginx"]) {
    fs.mkdirSync(path.join(root, d), { recursive: true });
  }
  fs.symlinkSync("../run", path.join(root, "var/run"));
  fs.writeFileSync(
    path.join(root, "etc/passwd"),
    "root:x:0:0::/root:/bin/false\nnobody:x:65534:65534::/:/bin/false\n",
  );
  fs.writeFileSync(path.join(root, "etc/group"), "root:x:0:\nnogroup:x:65534:\n");
  const tarball = `${root}.tar`;
  execFileSync("tar", ["-C", root, "-cf", tarball, "."]);
  const imported = docker.run([
    "import",
    "--change",
    `ENTRYPOINT ${JSON.stringify([image.entrypoint])}`,
    tarball,
    tag,
  ]);
  if (imported.status !== 0) throw new Error(`docker import failed: ${imported.output}`);
}
