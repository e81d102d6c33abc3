import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import {
  STOP_BEFORE_TYPE_CHANGE_SCRIPT,
  STOP_SERVICES_ON_SERVER,
} from "../../../constructs/host/type-change-scripts";
import { freePort, requireProgram } from "../support/programs";

// Budget of each test and hook: the slowest test 1.4 s, sshd's start 1.5 s, with stress-ng --cpu 2 beside
// another system-tier run and other work on the 2-core machine (load 16 to 36, 7 December).
jest.setTimeout(60_000);

/*
 * The step before a server type change, run by /bin/sh as Terraform's local-exec runs it, against a real
 * sshd on 127.0.0.1 with keys from a real ssh-agent. sshd records the command the step asks for, and what it
 * sends that command, instead of running it (ForceCommand), so nothing is stopped on this machine.
 */
let dir: string;
let port: number;
let sshd: ChildProcess;
let agent: ChildProcess;
const file = (name: string) => path.join(dir, name);

function keygen(name: string): string {
  const result = spawnSync("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-C", name, "-f", file(name)]);
  if (result.status !== 0) throw new Error(`ssh-keygen: ${result.stderr}`);
  // As the stack pins it: type and key, without the comment (tls_private_key, trimspace).
  return fs
    .readFileSync(file(`${name}.pub`), "utf8")
    .split(" ")
    .slice(0, 2)
    .join(" ");
}

async function listening(socketPath: string | number): Promise<void> {
  for (let i = 0; i < 100; i++) {
    const ok = await new Promise<boolean>((resolve) => {
      const socket =
        typeof socketPath === "number" ? net.connect(socketPath, "127.0.0.1") : net.connect(socketPath);
      socket.once("connect", () => socket.end(() => resolve(true)));
      socket.once("error", () => resolve(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`nothing listens on ${socketPath}`);
}

beforeAll(async () => {
  for (const program of ["sshd", "ssh", "ssh-agent", "ssh-keygen", "ssh-add"]) {
    requireProgram(
      program === "sshd" ? "/usr/sbin/sshd" : program,
      program === "sshd" ? "openssh-server" : "openssh-client",
    );
  }
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "failmap-type-change-"));
  keygen("host");
  keygen("operator");
  fs.copyFileSync(file("operator.pub"), file("authorized_keys"));
  port = await freePort();
  fs.writeFileSync(
    file("sshd_config"),
    [
      `ListenAddress 127.0.0.1:${port}`,
      `HostKey ${file("host")}`,
      `AuthorizedKeysFile ${file("authorized_keys")}`,
      `PidFile ${file("sshd.pid")}`,
      "PermitRootLogin prohibit-password",
      "PasswordAuthentication no",
      "KbdInteractiveAuthentication no",
      "UsePAM no",
      "StrictModes no",
      `ForceCommand { printf '%s\\n' "$SSH_ORIGINAL_COMMAND"; cat; } > ${file("asked")}`,
    ].join("\n") + "\n",
  );
  fs.mkdirSync("/run/sshd", { recursive: true });
  sshd = spawn("/usr/sbin/sshd", ["-D", "-e", "-f", file("sshd_config")], { stdio: "ignore" });
  agent = spawn("ssh-agent", ["-D", "-a", file("agent.sock")], { stdio: "ignore" });
  await listening(port);
  await listening(file("agent.sock"));
  const add = spawnSync("ssh-add", [file("operator")], {
    env: { ...process.env, SSH_AUTH_SOCK: file("agent.sock") },
    encoding: "utf8",
  });
  if (add.status !== 0) throw new Error(`ssh-add: ${add.stderr}`);
});

afterAll(() => {
  sshd?.kill();
  agent?.kill();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

function runStep(server: string, hostKey: string) {
  fs.rmSync(file("asked"), { force: true });
  const result = spawnSync("/bin/sh", ["-c", STOP_BEFORE_TYPE_CHANGE_SCRIPT], {
    encoding: "utf8",
    env: {
      PATH: process.env.PATH,
      HOME: dir,
      SSH_AUTH_SOCK: file("agent.sock"),
      ADDRESS: "127.0.0.1",
      SERVER: server,
      SSH_USER: os.userInfo().username,
      SSH_PORT: String(port),
      HOST_KEY: hostKey,
      SERVER_TYPE: "cx42",
    },
  });
  const asked = fs.existsSync(file("asked")) ? fs.readFileSync(file("asked"), "utf8") : undefined;
  return { ...result, asked };
}

describe("the step before a server type change, against a real sshd", () => {
  const hostKey = () => fs.readFileSync(file("host.pub"), "utf8").split(" ").slice(0, 2).join(" ");

  it("logs in with the agent's key, trusting only the pinned host key, and hands a root shell the stop", () => {
    const result = runStep("4711", hostKey());
    expect(result.stderr).not.toMatch(/could not stop/);
    expect(result.status).toBe(0);
    expect(result.asked).toBe(`sudo sh -s\n${STOP_SERVICES_ON_SERVER}\n`);
  });

  it("refuses a server that shows another host key, and fails", () => {
    const result = runStep("4711", keygen("impostor"));
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/could not stop the services on 127\.0\.0\.1/);
    expect(result.asked).toBeUndefined();
  });

  it("connects nowhere while no server holds the address", () => {
    const result = runStep("0", hostKey());
    expect(result.status).toBe(0);
    expect(result.asked).toBeUndefined();
  });
});
