import { renderInstanceEnv } from "../../../constructs/app/instance-env";
import { renderBootstrapEnv, renderDatabaseEnv } from "../../../constructs/bootstrap/env-file";
import { HOST_CONSTANTS, HOST_ENV_FILE } from "../../../constructs/bootstrap/host-constants";
import { readScriptFolder } from "../../../constructs/bootstrap/script-files";
import { BOOTSTRAP_ENV, INSTANCE_ENV } from "./fixtures";

/*
 * The host scripts share names and paths with the constructs (the SSH group, the nftables table, the nginx
 * container, the MariaDB socket, the backup metric...) only through the env files the constructs render:
 * a script reads FAILMAP_* variables, every one of them is rendered, and none of the values is spelled in a
 * script.
 */

const bootstrapScripts = readScriptFolder("scripts/bootstrap");
const hostScripts = readScriptFolder("scripts/host");

const bootstrapEnv = renderBootstrapEnv(BOOTSTRAP_ENV);
const databaseEnv = renderDatabaseEnv({ instance: "production", database: "failmap_production" });
const instanceEnv = renderInstanceEnv(INSTANCE_ENV);

/** The variables an env file sets. */
const keysOf = (envFile: string): string[] =>
  envFile.split("\n").flatMap((line) => /^([A-Z0-9_]+)=/.exec(line)?.[1] ?? []);

/** A `: "${NAME:?...}"` line: it checks that the variable is there, it does not use it. */
const REQUIRE = /^\s*: "\$\{(FAILMAP_\w+):?\?/;

/** The FAILMAP_* variables a script expands ($NAME, ${NAME...}, ${#NAME}), or only uses if `uses`. */
function variablesRead(content: string, { uses = false } = {}): Set<string> {
  const lines = content.split("\n").filter((line) => !(uses && REQUIRE.test(line)));
  return new Set([...lines.join("\n").matchAll(/\$\{?#?(FAILMAP_[A-Z0-9_]+)/g)].map((m) => m[1]));
}

const required = (content: string): string[] =>
  content.split("\n").flatMap((line) => REQUIRE.exec(line)?.[1] ?? []);

const readByAll = (scripts: readonly { content: string }[], options = {}) =>
  new Set(scripts.flatMap((script) => [...variablesRead(script.content, options)]));

describe("the bootstrap steps", () => {
  test.each(bootstrapScripts.map((s) => [s.name, s.content]))(
    "%s reads only variables that bootstrap.env renders",
    (_name, content) => {
      expect([...variablesRead(content)].filter((name) => !keysOf(bootstrapEnv).includes(name))).toEqual([]);
    },
  );

  test("every variable of bootstrap.env is used by a bootstrap step or an admin command", () => {
    const used = readByAll([...bootstrapScripts, ...hostScripts], { uses: true });
    expect(keysOf(bootstrapEnv).filter((name) => !used.has(name))).toEqual([]);
  });
});

describe("the admin commands", () => {
  const lib = hostScripts.find((s) => s.name === "failmap-lib.sh")!.content;

  test.each(hostScripts.map((s) => [s.name, s.content]))(
    "%s reads only variables that host.env, database.env or instance.env render",
    (_name, content) => {
      const rendered = new Set([bootstrapEnv, databaseEnv, instanceEnv].flatMap(keysOf));
      expect([...variablesRead(content)].filter((name) => !rendered.has(name))).toEqual([]);
    },
  );

  test("failmap-lib.sh requires every variable of host.env that a command uses, so an old host.env is named", () => {
    const fromHostEnv = [...readByAll(hostScripts, { uses: true })].filter((name) =>
      keysOf(bootstrapEnv).includes(name),
    );
    expect(fromHostEnv.filter((name) => !required(lib).includes(name))).toEqual([]);
  });

  test("failmap-lib.sh reads host.env where the bootstrap puts it", () => {
    expect(lib).toContain(`\nHOST_ENV=${HOST_ENV_FILE}\n`);
    expect(bootstrapEnv).toContain(`FAILMAP_HOST_ENV='${HOST_ENV_FILE}'\n`);
  });
});

/** A script's text without its comments: a comment may say what a value is for, but holds no copy of it. */
const withoutComments = (content: string) =>
  content
    .split("\n")
    .map((line) => line.replace(/(^|\s)#.*$/, ""))
    .join("\n");

/**
 * Where a script would spell a value: on its own, or at the start of a longer path. A one-word value (the
 * nftables table) is too common a word to look for anywhere: it is looked for after `inet`, where nft uses it.
 */
function copiesOf(value: string): RegExp {
  const escaped = value.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  if (/^\w+$/.test(value)) return new RegExp(`\\binet\\s+${escaped}\\b`);
  return new RegExp(`(?<![\\w./-])${escaped}(?![\\w.-])`);
}

test.each([
  ...bootstrapScripts.map((s) => [`scripts/bootstrap/${s.name}`, s.content]),
  ...hostScripts.map((s) => [`scripts/host/${s.name}`, s.content]),
])("%s spells none of the values it shares with the constructs", (_path, content) => {
  // The one place a value has to be spelled: where the commands find host.env (checked above).
  const text = withoutComments(content).replace(`HOST_ENV=${HOST_ENV_FILE}`, "");
  const spelled = Object.entries(HOST_CONSTANTS).filter(([, value]) => copiesOf(value).test(text));
  expect(spelled.map(([variable, value]) => `${value} (use $${variable})`)).toEqual([]);
});
