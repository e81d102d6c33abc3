import path from "node:path";
import { REHEARSAL_CACHE } from "../images/debian-rootfs";
import { RehearsalNetwork } from "../network/rehearsal-network";
import { stackName } from "../../config/model/names";

/**
 * The rehearsal network of this run, from the same settings rehearsal-net.sh reads: a run of its own per
 * prefix and addresses, so that a test and an operator's rehearsal never collide.
 */
export function networkFromEnvironment(env: NodeJS.ProcessEnv = process.env): RehearsalNetwork {
  return new RehearsalNetwork({
    prefix: env.FAILMAP_REHEARSAL_NET || undefined,
    gateway4: env.FAILMAP_REHEARSAL_GATEWAY4 || undefined,
    gateway6: env.FAILMAP_REHEARSAL_GATEWAY6 || undefined,
  });
}

/** Where one rehearsal of one organisation keeps its files; all of it goes with `--down`. */
export class RunFiles {
  readonly dir: string;

  private readonly root: string;

  constructor(
    readonly organisation: string,
    readonly network: RehearsalNetwork,
    root: string = path.join(REHEARSAL_CACHE, "runs"),
  ) {
    this.root = root;
    this.dir = path.join(root, `${network.prefix}-${organisation}`);
  }

  /** Where the logs of the last run of this organisation and network stay after `--down`. */
  readonly keptLogs = () => path.join(this.root, "logs", `${this.network.prefix}-${this.organisation}`);

  private file = (...parts: string[]) => path.join(this.dir, ...parts);

  /** FAILMAP_ORGANISATIONS_DIR: the derived copy of the organisation file, alone. */
  readonly organisations = () => this.file("organisations");
  readonly organisationFile = () => this.file("organisations", `${this.organisation}.yaml`);
  /** The local cloud's process: its endpoints once ready, its log and pid. */
  readonly cloudJson = () => this.file("cloud.json");
  readonly cloudLog = () => this.file("cloud.log");
  readonly cloudPid = () => this.file("cloud.pid");
  /** Bind-mounted over /etc/hosts for Terraform: written in place, never renamed. */
  readonly hosts = () => this.file("hosts");
  /** SSL_CERT_FILE of the operator's side: the system's CAs, the registry's and pebble's. */
  readonly caBundle = () => this.file("ca-bundle.pem");
  readonly ssh = () => this.file("ssh");
  readonly services = () => this.file("services");
  readonly stateObjects = () => this.file("state");
  readonly cdktfOut = () => this.file("cdktf.out");
  readonly stackDir = () => this.file("cdktf.out", "stacks", stackName(this.organisation));
}
