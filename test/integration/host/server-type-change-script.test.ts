import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import {
  STOP_BEFORE_TYPE_CHANGE_SCRIPT,
  STOP_SERVICES_ON_SERVER,
} from "../../../constructs/host/type-change-scripts";

describe("the stop script", () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "failmap-stop-"));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  /** Runs the script with an `ssh` that logs its arguments and its input, and exits with `sshExit`. */
  function run(server: string, sshExit = 0) {
    const log = path.join(dir, "ssh.log");
    const input = path.join(dir, "ssh.input");
    fs.writeFileSync(
      path.join(dir, "ssh"),
      `#!/bin/sh\nprintf '%s\\n' "$@" >>${log}\ncat >${input}\nexit ${sshExit}\n`,
      { mode: 0o755 },
    );
    const result = spawnSync("/bin/sh", ["-c", STOP_BEFORE_TYPE_CHANGE_SCRIPT], {
      encoding: "utf8",
      env: {
        PATH: `${dir}:/usr/bin:/bin`,
        ADDRESS: "203.0.113.7",
        SERVER: server,
        SSH_USER: "deploy",
        SSH_PORT: "22",
        HOST_KEY: "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIAYLB61MYixZi/K9yIcLjjgUW+4vvH4bazPVx1Pgau3o",
        SERVER_TYPE: "cx42",
      },
    });
    const calls = fs.existsSync(log) ? fs.readFileSync(log, "utf8").trim().split("\n") : [];
    const onServer = fs.existsSync(input) ? fs.readFileSync(input, "utf8") : undefined;
    return { ...result, calls, onServer };
  }

  it("does nothing before the first boot: no server holds the address yet", () => {
    const result = run("0");
    expect(result.status).toBe(0);
    expect(result.calls).toEqual([]);
    expect(result.stdout).toMatch(/no server holds 203\.0\.113\.7 yet/);
  });

  it("logs in as deploy with the pinned host key and runs the stop there as root", () => {
    const result = run("4711");
    expect(result.status).toBe(0);
    expect(result.calls).toEqual(
      expect.arrayContaining([
        "StrictHostKeyChecking=yes",
        "UserKnownHostsFile=/dev/null",
        "KnownHostsCommand=/bin/echo %H ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIAYLB61MYixZi/K9yIcLjjgUW+4vvH4bazPVx1Pgau3o",
        "BatchMode=yes",
        "deploy@203.0.113.7",
      ]),
    );
    expect(result.calls.at(-1)).toBe("sudo sh -s");
    expect(result.onServer).toBe(`${STOP_SERVICES_ON_SERVER}\n`);
  });

  it("fails, and so stops the apply before the power-off, when the server cannot be reached", () => {
    const result = run("4711", 255);
    expect(result.status).not.toBe(0);
    expect(result.stderr).toMatch(/could not stop the services on 203\.0\.113\.7/);
  });

  it.each([
    ["on the operator's machine", STOP_BEFORE_TYPE_CHANGE_SCRIPT],
    ["on the server", STOP_SERVICES_ON_SERVER],
  ])("passes shellcheck, %s", (_where, script) => {
    const file = path.join(dir, "stop.sh");
    fs.writeFileSync(file, `#!/bin/sh\n${script}\n`);
    const result = spawnSync("shellcheck", ["-s", "sh", file], { encoding: "utf8" });
    expect(result.error).toBeUndefined();
    expect(result.stdout).toBe("");
  });
});
