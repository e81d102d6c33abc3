import { execFileSync, spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { requireProgram } from "../../ops/system/programs";

/** The sudo user the rehearsal adds to the organisation, whose key only the rehearsal's SSH agent holds. */
export const REHEARSAL_USER = "rehearsal";

/**
 * The operator's identity in a rehearsal: an ed25519 key made for the run, loaded into an SSH agent of the
 * run's own (the stack reads keys from the agent only, as for a real operator). The key never leaves the run's
 * folder; the agent ends with `--down`.
 */
export class OperatorIdentity {
  constructor(private readonly dir: string) {}

  readonly socket = () => path.join(this.dir, "agent.sock");
  private readonly pidFile = () => path.join(this.dir, "agent.pid");
  private readonly keyFile = () => path.join(this.dir, "operator");

  /** The public key (`ssh-ed25519 AAAA... rehearsal@failmap`). */
  publicKey(): string {
    return fs.readFileSync(`${this.keyFile()}.pub`, "utf8").trim();
  }

  /** The key and a running agent holding it, made once per run. */
  ensure(): void {
    requireProgram("ssh-agent", "openssh-client");
    fs.mkdirSync(this.dir, { recursive: true, mode: 0o700 });
    if (!fs.existsSync(this.keyFile())) {
      execFileSync("ssh-keygen", [
        "-q",
        "-t",
        "ed25519",
        "-N",
        "",
        "-C",
        `${REHEARSAL_USER}@failmap`,
        "-f",
        this.keyFile(),
      ]);
    }
    if (this.agentAnswers()) return;
    fs.rmSync(this.socket(), { force: true });
    // ssh-agent forks into the background and prints the pid as shell: SSH_AGENT_PID=123; ...
    const output = execFileSync("ssh-agent", ["-s", "-a", this.socket()], { encoding: "utf8" });
    const pid = /SSH_AGENT_PID=(\d+)/.exec(output)?.[1];
    if (!pid) throw new Error(`ssh-agent printed no pid: ${output}`);
    fs.writeFileSync(this.pidFile(), pid);
    execFileSync("ssh-add", ["-q", this.keyFile()], {
      env: { ...process.env, SSH_AUTH_SOCK: this.socket() },
      stdio: "ignore",
    });
  }

  /** The agent gone (its key file goes with the run's folder). */
  stop(): void {
    if (fs.existsSync(this.pidFile())) {
      const pid = Number(fs.readFileSync(this.pidFile(), "utf8"));
      if (
        fs.existsSync(`/proc/${pid}/cmdline`) &&
        fs.readFileSync(`/proc/${pid}/cmdline`, "utf8").startsWith("ssh-agent")
      ) {
        process.kill(pid, "SIGTERM");
      }
      fs.rmSync(this.pidFile());
    }
  }

  private agentAnswers(): boolean {
    if (!fs.existsSync(this.socket())) return false;
    const list = spawnSync("ssh-add", ["-L"], {
      env: { ...process.env, SSH_AUTH_SOCK: this.socket() },
      encoding: "utf8",
    });
    return list.status === 0 && list.stdout.includes(this.publicKey().split(" ")[1]);
  }
}
