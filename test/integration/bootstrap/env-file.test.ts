import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { renderInstanceEnv } from "../../../constructs/app/instance-env";
import { renderDatabaseEnv, renderShellEnv } from "../../../constructs/bootstrap/env-file";
import { INSTANCE_ENV } from "../../unit/bootstrap/fixtures";

/*
 * The host's env files (host.env, database.env, instance.env) are sourced with `.` by the bootstrap and the
 * failmap-* commands: what a shell reads back must be exactly the value, and nothing may run.
 */

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "failmap-env-file-"));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** Sources the file in sh, as failmap-lib.sh does, and prints one variable. */
function sourced(text: string, variable: string): string {
  const file = path.join(dir, "test.env");
  fs.writeFileSync(file, text);
  return execFileSync("sh", ["-c", `. "$1"; printf %s "$${variable}"`, "sh", file], {
    cwd: dir,
    encoding: "utf8",
  });
}

const awkward = [
  "two words",
  "pa$$word",
  "$(touch ran)",
  "`touch ran`",
  "it's",
  'say "hi"; touch ran',
  "a\\b",
];

describe("renderShellEnv", () => {
  test.each(awkward)("a shell reads %j back exactly, and runs nothing", (value) => {
    expect(sourced(renderShellEnv("A test.", { VALUE: value }), "VALUE")).toBe(value);
    expect(fs.existsSync(path.join(dir, "ran"))).toBe(false);
  });

  test("database.env round-trips a name with a space and a $", () => {
    expect(sourced(renderDatabaseEnv({ instance: "x", database: "my db$1" }), "FAILMAP_DATABASE")).toBe(
      "my db$1",
    );
  });
});

describe("renderInstanceEnv", () => {
  const settings = INSTANCE_ENV;

  test("is read by the shell as the host commands read it", () => {
    const text = renderInstanceEnv(settings);
    expect(sourced(text, "FAILMAP_IMAGE")).toBe("websecmap/websecmap@sha256:0123abcd");
    expect(sourced(text, "FAILMAP_NETWORK")).toBe("failmap-production");
    expect(sourced(text, "FAILMAP_APP_ENV")).toBe("/etc/failmap/production/app.env");
    expect(sourced(text, "FAILMAP_ADMIN_UPSTREAM")).toBe("127.0.0.1:8002");
  });

  test("quotes its values like the bootstrap's env files, so a space or a $ round-trips", () => {
    const text = renderInstanceEnv({ ...settings, domain: "faal kaart.nl", adminDomain: "$(touch ran)" });
    expect(text).toContain("FAILMAP_DOMAIN='faal kaart.nl'\n");
    expect(sourced(text, "FAILMAP_DOMAIN")).toBe("faal kaart.nl");
    expect(sourced(text, "FAILMAP_ADMIN_DOMAIN")).toBe("$(touch ran)");
    expect(fs.existsSync(path.join(dir, "ran"))).toBe(false);
  });

  test("refuses a value that would break out of its line", () => {
    expect(() => renderInstanceEnv({ ...settings, domain: "faalkaart.nl\nFAILMAP_IMAGE=evil" })).toThrow(
      /FAILMAP_DOMAIN must be a single line/,
    );
  });
});
