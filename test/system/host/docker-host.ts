import type { ChildProcess } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import path from "node:path";
import { DockerDaemon, unmountBelow } from "../broker-endpoint/docker-daemon";
import { startDaemon, stopDaemon } from "../broker-endpoint/programs";
import { killAll, processTree } from "../../../rehearsal/machines/process-tree";
import { requireProgram } from "../support/programs";

/**
 * Docker as a host runs it, in a directory of the test's own: containerd as a daemon of its own (Debian's
 * containerd.service) and dockerd with live-restore against it (docker.service, `--containerd`), so that
 * stopping dockerd leaves containerd, the shims and the containers running. `powerCut` and `boot` are what a
 * power-off and the next boot do to them.
 */
export class DockerHost {
  private constructor(
    private readonly dir: string,
    private containerd: ChildProcess,
    public docker: DockerDaemon,
  ) {}

  static async start(dir: string): Promise<DockerHost> {
    requireProgram(CONTAINERD, "containerd");
    const containerd = await startContainerd(dir);
    return new DockerHost(dir, containerd, await startDocker(dir));
  }

  /**
   * Every process of the host's containers, their shims and containerd killed, and what /run held gone. dockerd
   * must be stopped already (the step stops it, as does `stop`).
   */
  async powerCut(): Promise<void> {
    killAll(shimsOf(this.dir).flatMap(processTree));
    if (this.containerd.exitCode === null && this.containerd.signalCode === null) {
      const exited = new Promise((resolve) => this.containerd.once("exit", resolve));
      this.containerd.kill("SIGKILL");
      await exited;
    }
    unmountBelow(this.dir);
    for (const volatile of ["exec", "run"])
      fs.rmSync(path.join(this.dir, volatile), { recursive: true, force: true });
  }

  /** containerd, then dockerd, started as at boot. */
  async boot(): Promise<void> {
    this.containerd = await startContainerd(this.dir);
    await this.startDocker();
  }

  /** dockerd started alone, containerd having run on: `systemctl start docker` by hand. */
  async startDocker(): Promise<void> {
    this.docker = await startDocker(this.dir);
  }

  /** Removes every container and stops both daemons, leaving nothing running or mounted. */
  async stop(): Promise<void> {
    await this.docker.stop();
    await this.powerCut();
  }
}

const CONTAINERD = "/usr/bin/containerd";
const containerdSocket = (dir: string) => path.join(dir, "run", "containerd", "containerd.sock");

async function startContainerd(dir: string): Promise<ChildProcess> {
  const config = path.join(dir, "containerd.toml");
  const socket = containerdSocket(dir);
  fs.writeFileSync(
    config,
    [
      "version = 2",
      `root = "${path.join(dir, "containerd")}"`,
      `state = "${path.join(dir, "run", "containerd-state")}"`,
      'disabled_plugins = ["io.containerd.grpc.v1.cri"]',
      "[grpc]",
      `  address = "${socket}"`,
      "[ttrpc]",
      `  address = "${socket}.ttrpc"`,
      '[plugins."io.containerd.internal.v1.opt"]',
      `  path = "${path.join(dir, "containerd", "opt")}"`,
    ].join("\n") + "\n",
  );
  const containerd = startDaemon(
    "/usr/bin/containerd",
    ["--config", config],
    path.join(dir, "containerd.log"),
  );
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline && containerd.exitCode === null) {
    if (await accepts(socket)) return containerd;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  await stopDaemon(containerd);
  throw new Error(`containerd did not start:\n${fs.readFileSync(path.join(dir, "containerd.log"), "utf8")}`);
}

const startDocker = (dir: string) =>
  DockerDaemon.start(dir, ["--live-restore", `--containerd=${containerdSocket(dir)}`]);

function accepts(socket: string): Promise<boolean> {
  return new Promise((resolve) => {
    const connection = net.connect(socket);
    connection.once("connect", () => (connection.destroy(), resolve(true)));
    connection.once("error", () => resolve(false));
  });
}

/** The containerd shims of this host: they name its containerd's socket on their command line. */
function shimsOf(dir: string): number[] {
  return fs
    .readdirSync("/proc")
    .filter((entry) => /^\d+$/.test(entry))
    .filter((entry) => {
      try {
        return fs.readFileSync(`/proc/${entry}/cmdline`, "utf8").includes(containerdSocket(dir));
      } catch {
        return false;
      }
    })
    .map(Number);
}
