import vm from "node:vm";
import {
  renderPowerOnAfterTypeChange,
  STOP_BEFORE_TYPE_CHANGE_SCRIPT,
  STOP_SERVICES_ON_SERVER,
} from "../../../constructs/host/type-change-scripts";

/*
 * The power-on script after a server type change, run in this process (a vm context) against a stand-in of
 * the Hetzner API: fetch, the clock and process.exit are the test's own, so no process starts and no time
 * passes.
 */
interface Run {
  readonly calls: string[];
  readonly log: string[];
  readonly errors: string[];
  readonly exitCode?: number;
  readonly sleptMs: number[];
}

async function run(
  statuses: string[],
  options: { poweron?: number } = {},
  script = renderPowerOnAfterTypeChange(),
) {
  const result = {
    calls: [] as string[],
    log: [] as string[],
    errors: [] as string[],
    sleptMs: [] as number[],
  };
  let exitCode: number | undefined;
  const answer = (status: number, body: unknown) => ({
    ok: status < 300,
    status,
    json: async () => body,
    text: async () => JSON.stringify(body),
  });
  const context = vm.createContext({
    process: {
      env: {
        HCLOUD_ENDPOINT: "http://api.test/v1",
        HCLOUD_TOKEN: "t0ken",
        SERVER: "42",
        SERVER_TYPE: "cx43",
      },
      exit: (code: number) => (exitCode = code),
    },
    fetch: async (url: string, init: { method?: string; headers: Record<string, string> }) => {
      result.calls.push(`${init.method ?? "GET"} ${url} ${init.headers.Authorization}`);
      if (init.method === "POST") return answer(options.poweron ?? 201, { action: {} });
      return answer(200, { server: { status: statuses.shift() ?? "off" } });
    },
    setTimeout: (resolve: () => void, ms: number) => {
      result.sleptMs.push(ms);
      resolve();
    },
    console: {
      log: (line: string) => result.log.push(line),
      error: (line: string) => result.errors.push(line),
    },
  });
  await vm.runInContext(script, context);
  return { ...result, exitCode } as Run;
}

describe("the power-on script after a server type change", () => {
  it("powers an off server on with the provider's token, then waits until it runs", async () => {
    const { calls, log, exitCode, sleptMs } = await run(["off", "starting", "starting", "running"]);
    expect(calls).toEqual([
      "GET http://api.test/v1/servers/42 Bearer t0ken",
      "POST http://api.test/v1/servers/42/actions/poweron Bearer t0ken",
      "GET http://api.test/v1/servers/42 Bearer t0ken",
      "GET http://api.test/v1/servers/42 Bearer t0ken",
      "GET http://api.test/v1/servers/42 Bearer t0ken",
    ]);
    expect(log).toEqual(["powering 42 on after its type changed to cx43"]);
    expect(sleptMs).toEqual([5000, 5000]);
    expect(exitCode).toBeUndefined();
  });

  it("leaves a running server alone", async () => {
    const { calls, exitCode } = await run(["running", "running"]);
    expect(calls).toEqual([
      "GET http://api.test/v1/servers/42 Bearer t0ken",
      "GET http://api.test/v1/servers/42 Bearer t0ken",
    ]);
    expect(exitCode).toBeUndefined();
  });

  it("fails the apply, saying what to do, when the API refuses the power-on", async () => {
    const { errors, exitCode } = await run(["off"], { poweron: 403 });
    expect(exitCode).toBe(1);
    expect(errors).toEqual([
      'POST http://api.test/v1/servers/42/actions/poweron: HTTP 403 {"action":{}}; power the server on in Hetzner\'s console and apply again',
    ]);
  });

  it("gives up after its wait, which it names", async () => {
    const { errors, exitCode, sleptMs } = await run(
      ["off"],
      {},
      renderPowerOnAfterTypeChange({ pollSeconds: 30, attempts: 4 }),
    );
    expect(sleptMs).toEqual([30_000, 30_000, 30_000, 30_000]);
    expect(exitCode).toBe(1);
    expect(errors).toEqual([
      "the server did not come back within 2 minutes after its type change; power the server on in Hetzner's console and apply again",
    ]);
  });
});

describe("the stop before a server type change", () => {
  const lines = STOP_SERVICES_ON_SERVER.split("\n");
  const line = (text: string) => {
    const index = lines.findIndex((l) => l.includes(text));
    expect({ text, found: index >= 0 }).toEqual({ text, found: true });
    return index;
  };

  it("lists the containers while Docker runs, stops Docker, then them, then MariaDB, and flushes last", () => {
    const listed = line("containers=$(list_running_containers) || exit 1");
    const dockerStopped = line("for unit in docker.socket docker.service; do");
    const containersStopped = line('"$containers" | stop_listed_containers');
    const mariadbStopped = line("systemctl stop mariadb.service || exit 1");
    expect(listed).toBeLessThan(dockerStopped);
    expect(dockerStopped).toBeLessThan(containersStopped);
    expect(containersStopped).toBeLessThan(mariadbStopped);
    expect(lines.at(-1)).toBe("sync");
  });

  it("never stops a container through Docker, which would keep it stopped after the boot", () => {
    expect(STOP_SERVICES_ON_SERVER).not.toMatch(/docker (stop|kill|restart)/);
  });

  it("sends the server's part whole on ssh's input, to a root shell", () => {
    expect(STOP_BEFORE_TYPE_CHANGE_SCRIPT).toContain(
      `'sudo sh -s' <<'ON_SERVER'\n${STOP_SERVICES_ON_SERVER}\nON_SERVER\nthen\n`,
    );
    // A line ON_SERVER inside would end the here-document early.
    expect(lines).not.toContain("ON_SERVER");
  });
});
