import { spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { loadOrganisations, type LoadedOrganisation } from "../../config/load";
import type { Organisation } from "../../config/schema";
import { repositoryRoot } from "../../constructs/bootstrap/script-files";
import { describeMissing, preparePlugins } from "../../ops/providers/installation";
import { ORGANISATIONS_DIR, pickOrganisation } from "../../ops/organisations/select";
import { serverImage } from "../machines/server-image";
import { NspawnMachines } from "../machines/nspawn-machines";
import { cdktfCommand, runWithHosts, type CommandResult } from "./cdktf";
import { bootExistingHost, EXISTING_HOST_ID, existingHostKey } from "./existing-host";
import {
  cloudAddresses,
  cloudOptionsToEnv,
  type CloudEndpoints,
  type LocalCloudOptions,
} from "./local-cloud";
import { HOSTS_MARKER } from "./names";
import { asEnvironment, operatorEnvironment } from "./operator-environment";
import { OperatorIdentity, REHEARSAL_USER } from "./operator-identity";
import { Progress } from "./progress";
import { networkFromEnvironment, RunFiles } from "./run-files";
import { formatSwaps, rehearsalOrganisation } from "./swaps";

const DAEMON = path.join(__dirname, "cloud-daemon.ts");

/** One rehearsal of one organisation file: its files, network, cloud and the operator's environment. */
export class Rehearsal {
  readonly files: RunFiles;
  readonly identity: OperatorIdentity;
  readonly progress: Progress;
  private loaded?: LoadedOrganisation;

  constructor(
    readonly organisation: string,
    options: {
      organisationsDir?: string;
      env?: NodeJS.ProcessEnv;
      print?: (line: string) => void;
      /** What a test asks of the local cloud besides the file's needs (more app images, pebble's validity). */
      cloud?: LocalCloudOptions;
    } = {},
  ) {
    this.files = new RunFiles(organisation, networkFromEnvironment(options.env));
    this.cloudOptions = options.cloud ?? {};
    this.identity = new OperatorIdentity(this.files.ssh());
    this.progress = new Progress(options.print);
    this.organisationsDir = options.organisationsDir ?? ORGANISATIONS_DIR;
  }

  private readonly organisationsDir: string;
  private readonly cloudOptions: LocalCloudOptions;

  get network() {
    return this.files.network;
  }

  /** The organisation as written (validated together with the other files of its folder, as a synth does). */
  source(): LoadedOrganisation {
    this.loaded ??= pickOrganisation(
      loadOrganisations(this.organisationsDir),
      this.organisation,
      this.organisationsDir,
    );
    return this.loaded;
  }

  /** The local cloud's endpoints, once it runs. */
  cloud(): CloudEndpoints {
    if (!this.cloudRuns()) {
      throw new Error(
        `no rehearsal of ${this.organisation} runs on network ${this.network.prefix}: npm run rehearse -- ${this.organisation}`,
      );
    }
    return JSON.parse(fs.readFileSync(this.files.cloudJson(), "utf8")) as CloudEndpoints;
  }

  environment(): NodeJS.ProcessEnv {
    return asEnvironment(operatorEnvironment(this.files, this.cloud(), this.identity.socket()));
  }

  /** Brings up the local cloud for the organisation and deploys it with `cdktf deploy`. */
  async up(options: { echo?: boolean } = {}): Promise<CommandResult> {
    const { organisation: org, file } = this.source();
    const p = this.progress;
    const local = cloudAddresses(this.network);
    fs.mkdirSync(this.files.organisations(), { recursive: true });
    try {
      await p.step("provider plugins (npm run providers)", () => {
        const plugins = preparePlugins();
        const missing = describeMissing(plugins);
        if (missing) p.note(missing);
      });
      await p.step("operator identity (SSH key in an agent of the run's own)", () => this.identity.ensure());
      const hostKey =
        org.server.provider === "existing"
          ? existingHostKey(path.join(this.files.dir, "host-key"), org.server.fqdn)
          : undefined;
      await p.step(`rehearsal copy of ${path.relative(process.cwd(), file)}`, () => {
        const { text, swaps } = rehearsalOrganisation(fs.readFileSync(file, "utf8"), org, {
          registry: local.registry,
          operatorKey: this.identity.publicKey(),
          operatorUser: REHEARSAL_USER,
          operatorNetworks: [`${this.network.gateway4.address}/32`, `${this.network.gateway6.address}/128`],
          hostKey: hostKey?.publicKey,
          acme: { directory: local.acmeDirectory, dnsServer: local.dnsServer },
        });
        fs.writeFileSync(this.files.organisationFile(), text);
        p.note(`swapped in ${this.files.organisationFile()}:`);
        formatSwaps(swaps).forEach((line) => p.note(line));
      });
      await p.step("server image (cached)", () => serverImage());
      await p.step("local cloud: registry and images, S3, Hetzner API, pebble, DNS", () => this.startCloud());
      const env = operatorEnvironment(this.files, this.cloud(), this.identity.socket());
      p.note("swapped in the environment of cdktf:");
      env.forEach((s) => p.note(`  ${s.name}=${s.value}  (${s.why})`));
      p.note(`  /etc/hosts: ${this.files.hosts()} bind-mounted for cdktf and terraform (the servers' names)`);
      p.note(
        "swapped in the images: the app images trust pebble's issuing root (/etc/ssl/certs/<hash>.0), as an",
      );
      p.note("  organisation with a private CA puts its root into its own app image (docs/operations.md)");
      if (hostKey) await this.existingServer(org, hostKey);
    } catch (error) {
      p.note(`the local cloud did not come up; removing it (${(error as Error).message.split("\n")[0]})`);
      await this.removeLocalCloud();
      throw error;
    }
    const result = await p.step(`cdktf deploy org-${this.organisation}`, async () => {
      const run = await this.cdktf("deploy", ["--auto-approve"], options.echo);
      if (run.code !== 0)
        throw new Error(`cdktf deploy failed (exit ${run.code}); the log is ${this.logFile("deploy")}`);
      return run;
    });
    this.sites().forEach((line) => p.note(line));
    return result;
  }

  /** The existing server's machine, booted and prepared as the docs say, unless it runs already. */
  private async existingServer(
    org: Organisation,
    hostKey: { privateKey: string; publicKey: string },
  ): Promise<void> {
    if (org.server.provider !== "existing") return;
    const p = this.progress;
    if (new NspawnMachines({ network: this.network }).machine(EXISTING_HOST_ID).pid() !== undefined) {
      p.note(`existing server ${org.server.fqdn}: runs already`);
      return;
    }
    await p.step(
      `existing server ${org.server.fqdn} at ${org.server.address}, prepared as docs/hosting.md says`,
      () =>
        bootExistingHost(
          org,
          this.network,
          hostKey,
          [this.identity.publicKey()],
          this.identity.socket(),
          (line) => p.note(line),
          [fs.readFileSync(this.cloud().registryCaFile, "utf8")],
        ),
    );
  }

  /**
   * `cdktf <verb> org-<name>` on the operator's side of this rehearsal (its environment and names); `env`
   * changes that environment, e.g. another operator's SSH agent.
   */
  cdktf(
    verb: string,
    extra: readonly string[] = [],
    echo = false,
    env: NodeJS.ProcessEnv = {},
  ): Promise<CommandResult> {
    return this.run(
      cdktfCommand(verb, this.organisation, this.files.cdktfOut(), extra),
      verb,
      echo,
      undefined,
      env,
    );
  }

  /** Any command of the operator's side, e.g. `npm run state` or `terraform state list`. */
  run(
    command: readonly string[],
    logName: string,
    echo = false,
    cwd?: string,
    env: NodeJS.ProcessEnv = {},
  ): Promise<CommandResult> {
    return runWithHosts(
      this.files.hosts(),
      command,
      { ...this.environment(), ...env },
      this.logFile(logName),
      { echo, cwd },
    );
  }

  logFile(name: string): string {
    return path.join(this.files.dir, `${name}.log`);
  }

  /** Where each site answers: the names and addresses of the rehearsal. */
  sites(): string[] {
    const { organisation: org } = this.source();
    const hosts = fs.readFileSync(this.files.hosts(), "utf8").split(HOSTS_MARKER)[1] ?? "";
    const addresses = new Map<string, string[]>();
    for (const line of hosts.trim().split("\n").filter(Boolean)) {
      const [address, name] = line.split(" ");
      addresses.set(name, [...(addresses.get(name) ?? []), address]);
    }
    const at = (name: string) => `${name} (${(addresses.get(name) ?? ["no address"]).join(", ")})`;
    const lines = [`where the sites answer (names as in ${this.files.hosts()}):`];
    for (const [id, instance] of Object.entries(org.instances)) {
      lines.push(`  ${id}: https://${at(instance.domain)}`);
      instance.aliases.forEach((alias) => lines.push(`    https://${at(alias)} redirects there`));
      lines.push(
        `    admin https://${at(instance.admin)}: npm run client-cert -- ${org.name} ${REHEARSAL_USER}`,
      );
    }
    lines.push(
      `  ssh: SSH_AUTH_SOCK=${this.identity.socket()} ssh deploy@${addresses.get(org.server.fqdn)?.[0] ?? org.server.fqdn}`,
    );
    lines.push(`  remove it all: npm run rehearse -- ${org.name} --down`);
    return lines;
  }

  /** `cdktf destroy`, then everything of the local cloud: machines, network, processes, files. */
  async down(options: { echo?: boolean } = {}): Promise<CommandResult | undefined> {
    const p = this.progress;
    let destroyed: CommandResult | undefined;
    if (this.cloudRuns()) {
      destroyed = await p
        .step(`cdktf destroy org-${this.organisation}`, async () => {
          const run = await this.cdktf("destroy", ["--auto-approve"], options.echo);
          if (run.code !== 0)
            throw new Error(`cdktf destroy failed (exit ${run.code}); the log is ${this.logFile("destroy")}`);
          return run;
        })
        .catch((error: Error) => {
          p.note(`${error.message}; removing the local cloud anyway`);
          return undefined;
        });
    }
    await this.removeLocalCloud();
    return destroyed;
  }

  /** The local cloud's process, machines, network, SSH agent and files, gone; the caches stay. */
  async removeLocalCloud(): Promise<void> {
    const p = this.progress;
    await p.step("local cloud stopped", () => this.stopCloud());
    await p.step("machines and network removed", () =>
      new NspawnMachines({ network: this.network, haltTimeoutMs: 5000 }).removeAll(),
    );
    await p.step(`SSH agent and the run's files removed (its logs kept in ${this.files.keptLogs()})`, () => {
      this.identity.stop();
      this.keepLogs();
      fs.rmSync(this.files.dir, { recursive: true, force: true });
    });
  }

  /** The run's logs (deploy, destroy, the cloud's and its services') outlive the run, for a look afterwards. */
  private keepLogs(): void {
    if (!fs.existsSync(this.files.dir)) return;
    const kept = this.files.keptLogs();
    fs.rmSync(kept, { recursive: true, force: true });
    fs.mkdirSync(kept, { recursive: true });
    for (const dir of [this.files.dir, this.files.services()]) {
      if (!fs.existsSync(dir)) continue;
      for (const name of fs.readdirSync(dir).filter((n) => n.endsWith(".log"))) {
        fs.copyFileSync(path.join(dir, name), path.join(kept, name));
      }
    }
  }

  private cloudPid(): number | undefined {
    if (!fs.existsSync(this.files.cloudPid())) return undefined;
    const pid = Number(fs.readFileSync(this.files.cloudPid(), "utf8"));
    try {
      const cmdline = fs.readFileSync(`/proc/${pid}/cmdline`, "utf8");
      return cmdline.includes(DAEMON) ? pid : undefined;
    } catch {
      return undefined;
    }
  }

  private cloudRuns(): boolean {
    return this.cloudPid() !== undefined && fs.existsSync(this.files.cloudJson());
  }

  private async startCloud(): Promise<void> {
    if (this.cloudRuns()) return;
    fs.rmSync(this.files.cloudJson(), { force: true });
    const log = fs.openSync(this.files.cloudLog(), "a");
    const daemon = spawn(process.execPath, ["--import", "tsx", DAEMON, this.organisation], {
      cwd: repositoryRoot(),
      detached: true,
      stdio: ["ignore", log, log],
      env: {
        ...process.env,
        FAILMAP_REHEARSAL_NET: this.network.prefix,
        FAILMAP_REHEARSAL_GATEWAY4: `${this.network.gateway4.address}/${this.network.gateway4.length}`,
        FAILMAP_REHEARSAL_GATEWAY6: `${this.network.gateway6.address}/${this.network.gateway6.length}`,
        ...cloudOptionsToEnv(this.cloudOptions),
      },
    });
    fs.closeSync(log);
    daemon.unref();
    fs.writeFileSync(this.files.cloudPid(), String(daemon.pid));
    const deadline = Date.now() + 30 * 60_000;
    while (!fs.existsSync(this.files.cloudJson())) {
      if (daemon.exitCode !== null || Date.now() > deadline) {
        const tail = fs.readFileSync(this.files.cloudLog(), "utf8").split("\n").slice(-20).join("\n");
        throw new Error(`the local cloud did not start; ${this.files.cloudLog()} ends:\n${tail}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }

  private async stopCloud(): Promise<void> {
    const pid = this.cloudPid();
    if (pid === undefined) return;
    process.kill(pid, "SIGTERM");
    const deadline = Date.now() + 60_000;
    while (this.cloudPid() !== undefined && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 200));
    if (this.cloudPid() !== undefined) process.kill(pid, "SIGKILL");
  }
}
