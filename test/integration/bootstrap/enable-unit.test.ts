import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { renderBootstrapEnv } from "../../../constructs/bootstrap/env-file";
import { repositoryRoot } from "../../../constructs/bootstrap/script-files";
import { BOOTSTRAP_ENV } from "../../unit/bootstrap/fixtures";

/*
 * lib.sh's enable_unit with systemd as PID 1, played by a stub systemctl on PATH that keeps each unit's state
 * in files: what the bootstrap reports must be what happened. systemd-timesyncd in a container is the case
 * that was reported "started": its ConditionVirtualization=!container makes `systemctl start` succeed
 * without running it.
 */
const STUB_SYSTEMCTL = `#!/bin/bash
# The verbs enable_unit uses. $STUB holds enabled/<unit>, state/<unit>, condition-fails/<unit>, exits/<unit>.
set -eu
verb=$1
shift
quiet=
if [[ \${1:-} == -q ]]; then quiet=1 && shift; fi
case $verb in
  is-enabled) [[ -e $STUB/enabled/$1 ]] ;;
  enable) touch "$STUB/enabled/$1" ;;
  is-active)
    state=$(cat "$STUB/state/$1" 2>/dev/null || echo inactive)
    [[ $quiet ]] || echo "$state"
    [[ $state == active ]]
    ;;
  start)
    if [[ -e $STUB/condition-fails/$1 ]]; then echo no > "$STUB/condition/$1"
    else
      echo yes > "$STUB/condition/$1"
      [[ -e $STUB/exits/$1 ]] || echo active > "$STUB/state/$1"
    fi
    ;;
  show) [[ $1 == -p && $2 == ConditionResult && $3 == --value ]] && cat "$STUB/condition/$4" ;;
  *) echo "stub systemctl: unexpected $verb" >&2; exit 2 ;;
esac
`;

describe("enable_unit reports what systemd did", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "failmap-enable-unit-"));
  const stub = path.join(dir, "stub");
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
  fs.mkdirSync(path.join(dir, "config"));
  fs.mkdirSync(path.join(dir, "bin"));
  for (const sub of ["enabled", "state", "condition", "condition-fails", "exits"]) {
    fs.mkdirSync(path.join(stub, sub), { recursive: true });
  }
  fs.copyFileSync(path.join(repositoryRoot(), "scripts/bootstrap/lib.sh"), path.join(dir, "lib.sh"));
  fs.writeFileSync(path.join(dir, "config/bootstrap.env"), renderBootstrapEnv(BOOTSTRAP_ENV));
  fs.writeFileSync(path.join(dir, "bin/systemctl"), STUB_SYSTEMCTL, { mode: 0o755 });

  /** Sources lib.sh, as on a host where systemd runs, and enables `unit`. */
  const enable = (unit: string) => {
    const run = spawnSync(
      "bash",
      ["-c", `. ./lib.sh && systemd_running() { true; } && enable_unit "$0"`, unit],
      {
        cwd: dir,
        encoding: "utf8",
        env: { ...process.env, STUB: stub, PATH: `${dir}/bin:${process.env.PATH}` },
      },
    );
    if (run.error) throw run.error;
    return { status: run.status, output: `${run.stdout}${run.stderr}` };
  };

  test("a unit whose conditions do not hold here is skipped, never reported started, on every run", () => {
    fs.writeFileSync(path.join(stub, "condition-fails/systemd-timesyncd"), "");
    const first = enable("systemd-timesyncd");
    expect(first).toEqual({
      status: 0,
      output:
        "changed: systemd-timesyncd enabled\n" +
        "skipped: systemd-timesyncd: its unit's conditions do not hold on this machine (systemctl status systemd-timesyncd)\n",
    });
    const second = enable("systemd-timesyncd");
    expect(second.status).toBe(0);
    expect(second.output).not.toContain("changed:");
    expect(second.output).toContain("skipped: systemd-timesyncd");
  });

  test("a unit that runs is reported started once, then running", () => {
    expect(enable("docker")).toEqual({
      status: 0,
      output: "changed: docker enabled\nchanged: docker started\n",
    });
    expect(enable("docker")).toEqual({ status: 0, output: "ok: docker enabled\nok: docker running\n" });
  });

  test("a unit that is not running after its start stops the bootstrap, naming where to look", () => {
    fs.writeFileSync(path.join(stub, "exits/nftables"), "");
    expect(enable("nftables")).toEqual({
      status: 1,
      output:
        "changed: nftables enabled\nerror: nftables is inactive after systemctl start; see journalctl -u nftables\n",
    });
  });
});
