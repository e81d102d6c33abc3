import { spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { requireProgram } from "../../ops/system/programs";
import type { MachineBackend, PowerOff, ServerMachineSpec } from "../hcloud-api/machines";
import { inChroot, REHEARSAL_CACHE, run } from "../images/debian-rootfs";
import type { RehearsalNetwork } from "../network/rehearsal-network";
import { NSPAWN_ENVIRONMENT, NSPAWN_OPTIONS } from "./container-differences";
import { killAll, processTree, stillRuns } from "./process-tree";
import { writeNoCloudSeed } from "./nocloud-seed";
import { serverImage } from "./server-image";
import { waitForSsh } from "./wait-for-ssh";

export interface NspawnMachinesProps {
  /** The network the machines hang off; it is brought up by the first create. */
  readonly network: RehearsalNetwork;
  /**
   * The servers' resolvers, as a cloud's DHCP hands them out.
   * @default the network's IPv4 gateway
   */
  readonly nameservers?: readonly string[];
  /** CA certificates (PEM) the servers trust as they trust public CAs: the local registry's, pebble's. */
  readonly trustedCertificates?: readonly string[];
  /**
   * How long a boot may take until sshd answers.
   * @default 180_000
   */
  readonly bootTimeoutMs?: number;
  /**
   * Where the machines' trees live (a plain directory each, not an overlay: dockerd needs overlay2).
   * @default /var/tmp/failmap-rehearsal/machines
   */
  readonly machinesDir?: string;
  /** Progress lines. @default nothing */
  readonly log?: (line: string) => void;
  /**
   * How long a machine gets to halt after SIGTERM before it is killed; a clean-up that throws the machine
   * away anyway need not wait for its services to stop.
   * @default 60_000
   */
  readonly haltTimeoutMs?: number;
}

/**
 * Servers as booted Debian 12 machines: a directory copy of the server image, cloud-init's NoCloud seed from
 * the server's user data, and systemd-nspawn in a network namespace of its own at the server's addresses.
 * Each machine's files (tree, spec, nspawn pid, console log) live in one directory, so a new process, or
 * `removeAll` after a crash, finds everything again.
 */
export class NspawnMachines implements MachineBackend {
  private readonly network: RehearsalNetwork;
  private readonly nameservers: readonly string[];
  private readonly trustedCertificates: readonly string[];
  private readonly bootTimeoutMs: number;
  private readonly machinesDir: string;
  private readonly log: (line: string) => void;
  private readonly haltTimeoutMs: number;

  constructor(props: NspawnMachinesProps) {
    requireProgram("systemd-nspawn", "systemd-container");
    requireProgram("ip", "iproute2");
    this.network = props.network;
    this.nameservers = props.nameservers ?? [props.network.gateway4.address];
    this.trustedCertificates = props.trustedCertificates ?? [];
    this.bootTimeoutMs = props.bootTimeoutMs ?? 180_000;
    this.machinesDir = props.machinesDir ?? path.join(REHEARSAL_CACHE, "machines");
    this.log = props.log ?? (() => {});
    this.haltTimeoutMs = props.haltTimeoutMs ?? 60_000;
  }

  async create(spec: ServerMachineSpec): Promise<void> {
    const machine = this.machine(spec.id);
    if (fs.existsSync(machine.dir)) throw new Error(`machine ${spec.id} exists already (${machine.dir})`);
    const image = serverImage();
    fs.mkdirSync(machine.dir, { recursive: true });
    fs.writeFileSync(machine.specFile, JSON.stringify(spec));
    this.log(`server ${spec.id} (${spec.name}): copying the server image`);
    run("cp", ["-a", "--reflink=auto", image, machine.root]);
    writeNoCloudSeed(machine.root, spec);
    fs.writeFileSync(
      path.join(machine.root, "etc/resolv.conf"),
      this.nameservers.map((address) => `nameserver ${address}\n`).join(""),
    );
    this.trustCertificates(machine.root);
    this.network.up();
    this.network.attach(machine.namespace, spec.ipv4, serverIpv6(spec.ipv6));
    await this.boot(spec);
  }

  async powerOn(id: number): Promise<void> {
    const machine = this.machine(id);
    if (machine.pid() !== undefined) return;
    await this.boot(JSON.parse(fs.readFileSync(machine.specFile, "utf8")) as ServerMachineSpec);
  }

  async powerOff(id: number, how: PowerOff): Promise<void> {
    const machine = this.machine(id);
    if (how === "halt") await this.halt(machine);
    else await this.cut(machine);
  }

  async remove(id: number): Promise<void> {
    const machine = this.machine(id);
    await this.halt(machine);
    this.network.detach(machine.namespace);
    fs.rmSync(machine.dir, { recursive: true, force: true });
    this.log(`server ${id}: removed`);
  }

  /** Every machine of this backend gone, and the network with it: the clean-up after any run. */
  async removeAll(): Promise<void> {
    if (fs.existsSync(this.machinesDir)) {
      const prefix = `${this.network.prefix}-`;
      for (const name of fs.readdirSync(this.machinesDir).filter((n) => n.startsWith(prefix))) {
        await this.remove(Number(name.slice(prefix.length)));
      }
    }
    this.network.down();
  }

  /** The files of a machine, and the pid of its running nspawn (undefined when it is off). */
  machine(id: number) {
    const namespace = this.network.namespace(id);
    const dir = path.join(this.machinesDir, namespace);
    const root = path.join(dir, "root");
    const pidFile = path.join(dir, "nspawn.pid");
    return {
      namespace,
      dir,
      root,
      specFile: path.join(dir, "spec.json"),
      pidFile,
      consoleLog: path.join(dir, "console.log"),
      pid: (): number | undefined => {
        if (!fs.existsSync(pidFile)) return undefined;
        const pid = Number(fs.readFileSync(pidFile, "utf8"));
        // The pid is ours only while it is still this machine's nspawn (pids are reused).
        const cmdline = readCmdline(pid);
        return cmdline.includes("systemd-nspawn") && cmdline.includes(root) ? pid : undefined;
      },
    };
  }

  private trustCertificates(root: string): void {
    if (this.trustedCertificates.length === 0) return;
    const dir = path.join(root, "usr/local/share/ca-certificates");
    fs.mkdirSync(dir, { recursive: true });
    this.trustedCertificates.forEach((pem, index) =>
      fs.writeFileSync(path.join(dir, `failmap-rehearsal-${index}.crt`), pem),
    );
    inChroot(root, ["update-ca-certificates"]);
  }

  private async boot(spec: ServerMachineSpec): Promise<void> {
    const machine = this.machine(spec.id);
    const started = Date.now();
    const consoleFd = fs.openSync(machine.consoleLog, "a");
    const nspawn = spawn(
      "systemd-nspawn",
      [
        `--directory=${machine.root}`,
        `--machine=${machine.namespace}`,
        "--boot",
        "--register=no",
        "--keep-unit",
        `--network-namespace-path=/run/netns/${machine.namespace}`,
        "--resolv-conf=off",
        "--timezone=off",
        "--link-journal=no",
        "--console=read-only",
        ...NSPAWN_OPTIONS,
      ],
      {
        detached: true,
        stdio: ["ignore", consoleFd, consoleFd],
        env: { ...process.env, ...NSPAWN_ENVIRONMENT },
      },
    );
    fs.closeSync(consoleFd);
    nspawn.unref();
    fs.writeFileSync(machine.pidFile, String(nspawn.pid));
    this.log(`server ${spec.id} (${spec.name}): booting at ${spec.ipv4}`);
    try {
      await waitForSsh(spec.ipv4, this.bootTimeoutMs, () => machine.pid() !== undefined);
    } catch (error) {
      const tail = fs.readFileSync(machine.consoleLog, "utf8").split("\n").slice(-30).join("\n");
      throw new Error(`server ${spec.id} (${spec.name}): ${(error as Error).message}\n${tail}`);
    }
    this.log(`server ${spec.id} (${spec.name}): sshd answers after ${(Date.now() - started) / 1000} s`);
  }

  /**
   * The power cut: every process of the machine killed at once, its containers' included (all are below
   * nspawn, whatever their namespaces). nspawn itself is left to notice and tidy up after its machine, as
   * after a halt; it is killed too if it has not within the halt timeout. Nothing of the machine may run on
   * when it boots again from the same tree, so this waits until none does.
   */
  private async cut(machine: ReturnType<NspawnMachines["machine"]>): Promise<void> {
    const pid = machine.pid();
    if (pid === undefined) return;
    const [, ...inside] = processTree(pid);
    killAll(inside);
    const deadline = Date.now() + this.haltTimeoutMs;
    while (machine.pid() !== undefined || inside.some(stillRuns)) {
      if (Date.now() > deadline) {
        killAll([pid]);
        if (inside.some(stillRuns)) {
          throw new Error(
            `server ${machine.namespace}: still running after its power cut: ${inside.filter(stillRuns)}`,
          );
        }
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    fs.rmSync(machine.pidFile, { force: true });
  }

  /** A clean halt (nspawn turns SIGTERM into the machine's poweroff), killed if it takes too long. */
  private async halt(machine: ReturnType<NspawnMachines["machine"]>): Promise<void> {
    const pid = machine.pid();
    if (pid !== undefined) {
      process.kill(pid, "SIGTERM");
      const deadline = Date.now() + this.haltTimeoutMs;
      while (machine.pid() !== undefined && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      if (machine.pid() !== undefined) process.kill(pid, "SIGKILL");
      while (machine.pid() !== undefined) await new Promise((resolve) => setTimeout(resolve, 100));
    }
    fs.rmSync(machine.pidFile, { force: true });
  }
}

/** The API reports a server's IPv6 as its /64 network, as Hetzner does; the server answers on ::1 of it. */
export function serverIpv6(reported: string): string {
  const [network, length] = reported.split("/");
  if (length === undefined) return network;
  return network.endsWith("::") ? `${network}1` : network;
}

function readCmdline(pid: number): string {
  try {
    return fs.readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").join(" ");
  } catch {
    return "";
  }
}
