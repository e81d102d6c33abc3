import fs from "node:fs";
import path from "node:path";
import { NspawnMachines } from "../../rehearsal/machines/nspawn-machines";
import { holdNetwork } from "../../rehearsal/network/network-hold";
import { Rehearsal } from "../../rehearsal/rehearse/rehearse";
import { REHEARSAL_USER } from "../../rehearsal/rehearse/operator-identity";
import { PLACEHOLDER_PORTS } from "../../rehearsal/images/images";
import { brokerPing, httpsGet, onServer, type TlsIdentity } from "./probes";

/*
 * One test organisation, deployed from empty with `cdktf deploy` into the rehearsal's local cloud and checked
 * on its servers over the rehearsal network; then the plan after it must be clean and `cdktf destroy` must
 * leave nothing behind. test/e2e/*.test.ts run it for each kind of organisation.
 */

/** The test's own rehearsal network, apart from an operator's (10.250.0.0/16): the fixtures' addresses are in it. */
export const E2E_NETWORK = {
  FAILMAP_REHEARSAL_NET: "fmte",
  FAILMAP_REHEARSAL_GATEWAY4: "10.252.0.1/16",
  FAILMAP_REHEARSAL_GATEWAY6: "fd00:fa12::1/48",
};
const FIXTURES = path.join(__dirname, "organisations");
const MINUTE = 60_000;

export interface Expectations {
  /** self-signed: verified against the served certificate itself; pebble: against pebble's issuing root. */
  readonly certificates: "self-signed" | "pebble";
  /** A remote worker host and the broker endpoint, with this unmanaged client's certificate. */
  readonly brokerClient?: string;
  readonly monitoring: boolean;
}

/** Step timings of the run, printed at the end and kept for bench/rehearsal/RESULTS.md. */
const timings: { step: string; seconds: number }[] = [];
async function timed<T>(step: string, work: () => Promise<T> | T): Promise<T> {
  const started = Date.now();
  try {
    return await work();
  } finally {
    timings.push({ step, seconds: Math.round((Date.now() - started) / 100) / 10 });
  }
}

/** The fixtures' one instance. */
const INSTANCE = "main";

/** A statement (no quotes in it) run by root in the instance's database, as an operator on the host would. */
const sql = (statement: string) =>
  `sudo bash -c '. /etc/failmap/${INSTANCE}/database.env && mysql -N "$FAILMAP_DATABASE" -e "${statement}"'`;

export function describeDeployedOrganisation(name: string, expect_: Expectations): void {
  describe(`${name}: deployed from empty into the rehearsal`, () => {
    // Checks run commands on the servers and on the operator's side (npm run client-cert: a few seconds each).
    jest.setTimeout(2 * MINUTE);
    const rehearsal = new Rehearsal(name, {
      organisationsDir: FIXTURES,
      env: { ...process.env, ...E2E_NETWORK },
      print: (line) => process.stdout.write(`[${name}] ${line}\n`),
    });
    const { organisation: org } = rehearsal.source();
    const instance = org.instances[INSTANCE];
    let main = "";
    let serverCa: string | undefined;
    let admin: TlsIdentity = {};

    // The e2e files run side by side (npm run test:e2e); those on this network take turns for it.
    let network: { release: () => void } | undefined;
    beforeAll(async () => {
      network = await holdNetwork(rehearsal.network.prefix, (line) =>
        process.stdout.write(`[${name}] ${line}\n`),
      );
    }, 90 * MINUTE);

    beforeAll(async () => {
      // Whatever an earlier, interrupted run of this test left.
      await rehearsal.removeLocalCloud();
      const deploy = await timed("empty local cloud -> deployed (rehearse up)", () => rehearsal.up());
      timings.push(...rehearsal.progress.timings.map((t) => ({ step: `  ${t.step}`, seconds: t.seconds })));
      expect(deploy.code).toBe(0);
      main = addressOf(rehearsal, org.server.fqdn);
      if (expect_.certificates === "pebble") serverCa = rehearsal.cloud().acmeIssuingRoot;
      const certs = await rehearsal.run(
        ["npm", "run", "client-cert", "--", name, REHEARSAL_USER],
        "client-cert",
      );
      expect(certs.code).toBe(0);
      admin = clientIdentity(name, REHEARSAL_USER);
    }, 45 * MINUTE);

    afterAll(async () => {
      try {
        await rehearsal.removeLocalCloud();
      } finally {
        network?.release();
      }
      fs.rmSync(path.join(process.cwd(), "client-certs", name), { recursive: true, force: true });
      console.log(`${name} timings:\n${timings.map((t) => `  ${t.seconds} s  ${t.step}`).join("\n")}`);
      fs.writeFileSync(`/tmp/failmap-e2e-${name}-timings.json`, JSON.stringify(timings, null, 2));
    }, 10 * MINUTE);

    test("the frontend answers with its certificate, and from the cache the second time", async () => {
      if (expect_.certificates === "self-signed") {
        const unverified = await httpsGet(main, instance.domain);
        serverCa = `-----BEGIN CERTIFICATE-----\n${unverified.certificate.raw.toString("base64")}\n-----END CERTIFICATE-----\n`;
      }
      const first = await httpsGet(main, instance.domain, "/", { ca: serverCa });
      expect(first.status).toBe(200);
      expect(first.certificate.subjectaltname).toContain(`DNS:${instance.domain}`);
      if (expect_.certificates === "pebble") expect(first.certificate.issuer.CN).toMatch(/Pebble/i);
      const second = await httpsGet(main, instance.domain, "/", { ca: serverCa });
      expect(second.status).toBe(200);
      expect(second.headers["x-cache-status"]).toBe("HIT");
    });

    test("www. redirects to the domain", async () => {
      const answer = await httpsGet(main, instance.aliases[0], "/some/page", { ca: serverCa });
      expect([301, 308]).toContain(answer.status);
      expect(answer.headers.location).toBe(`https://${instance.domain}/some/page`);
    });

    test("the admin refuses a visitor without a client certificate and serves one with it", async () => {
      const refused = await httpsGet(main, instance.admin, "/", { ca: serverCa }).catch((e: Error) => e);
      // nginx answers 400 after the handshake when a required client certificate is missing.
      if (!(refused instanceof Error)) expect(refused.status).toBe(400);
      const served = await httpsGet(main, instance.admin, "/", { ...admin, ca: serverCa });
      expect(served.status).toBe(200);
    });

    if (expect_.brokerClient) {
      const client = expect_.brokerClient;
      test("the broker endpoint answers a worker's certificate and refuses a connection without one", async () => {
        const certs = await rehearsal.run(["npm", "run", "client-cert", "--", name, client], "client-cert");
        expect(certs.code).toBe(0);
        const worker = clientIdentity(name, client);
        const port = org.remoteWorkers!.port;
        // The instance domain as SNI, as the BROKER URL has it: the endpoint picks the instance's broker by it.
        const without = await brokerPing(main, port, instance.domain, {});
        expect(without).toMatch(/^error/);
        const withCertificate = await brokerPing(main, port, instance.domain, worker);
        // Redis answers (PONG, or NOAUTH before the password): TLS with the worker's certificate got through.
        expect(withCertificate).toMatch(/^(\+PONG|-NOAUTH)/);
      });
    }

    test("every container runs (and is healthy where it has a health check), workers included", () => {
      const hosts = [org.server.fqdn, ...workerHostNames(rehearsal)];
      for (const host of hosts) {
        const ps = onServer(
          addressOf(rehearsal, host),
          agent(rehearsal),
          "sudo docker ps -a --format '{{.Names}} {{.Status}}'",
        );
        expect(ps.code).toBe(0);
        const lines = ps.output.trim().split("\n");
        expect(lines.filter((l) => /worker/.test(l)).length).toBeGreaterThan(0);
        expect(
          lines.filter((l) => !/^\S+ Up /.test(l) || /\((unhealthy|health: starting)\)/.test(l)),
        ).toEqual([]);
      }
    });

    test("the frontend's read-only database user can read and cannot write", () => {
      const probe = (statement: string) =>
        onServer(
          main,
          agent(rehearsal),
          [
            "set -e",
            "c=$(sudo docker ps --format '{{.Names}}' | grep -m1 frontend)",
            "env=$(sudo docker inspect --format '{{range .Config.Env}}{{println .}}{{end}}' \"$c\")",
            'get() { printf \'%s\\n\' "$env" | sed -n "s/^$1=//p"; }',
            `MYSQL_PWD=$(get DB_PASSWORD) mysql -N -u "$(get DB_USER)" "$(get DB_NAME)" -e '${statement}'`,
          ].join("\n"),
        );
      expect(probe("SELECT 1")).toMatchObject({ code: 0 });
      const write = probe("CREATE TABLE e2e_write_probe (n INT)");
      expect(write.code).not.toBe(0);
      expect(write.output).toMatch(/denied/i);
    });

    test("a backup, then a restore, gives back the same rows", () => {
      const on = (command: string) => onServer(main, agent(rehearsal), command);
      expect(on(sql("CREATE TABLE e2e_rows (n INT); INSERT INTO e2e_rows VALUES (1),(2),(3)"))).toMatchObject(
        { code: 0 },
      );
      expect(on(`sudo failmap-db-backup -i ${INSTANCE}`).code).toBe(0);
      expect(on(sql("DELETE FROM e2e_rows; INSERT INTO e2e_rows VALUES (9)")).code).toBe(0);
      expect(on(`sudo failmap-db-restore -i ${INSTANCE} --yes`).code).toBe(0);
      expect(on(sql("SELECT GROUP_CONCAT(n ORDER BY n) FROM e2e_rows")).output.trim()).toBe("1,2,3");
    });

    if (expect_.monitoring) {
      test("Prometheus scrapes every target whose image exists", () => {
        const answer = onServer(
          main,
          agent(rehearsal),
          "exec 3<>/dev/tcp/127.0.0.1/9090 && printf 'GET /api/v1/targets?state=active HTTP/1.0\\r\\n\\r\\n' >&3 && sed '1,/^\\r$/d' <&3",
        );
        const targets = (JSON.parse(answer.output) as { data: { activeTargets: Target[] } }).data
          .activeTargets;
        const down = targets.filter((t) => t.health !== "up");
        const absent = down.filter((t) => PLACEHOLDER_PORTS.includes(Number(new URL(t.scrapeUrl).port)));
        console.log(
          `Prometheus: ${targets.length - down.length} of ${targets.length} targets up; absent (no Debian package for the image): ${absent.map((t) => `${t.labels.job} ${t.scrapeUrl}`).join(", ") || "none"}`,
        );
        expect(
          down
            .filter((t) => !absent.includes(t))
            .map((t) => `${t.labels.job} ${t.scrapeUrl}: ${t.lastError}`),
        ).toEqual([]);
        expect(targets.length - down.length).toBeGreaterThan(3);
      });
    }

    test(
      "npm run state and terraform state list show the same deployed resources",
      async () => {
        const viaState = await rehearsal.run(
          ["npm", "run", "--silent", "state", "--", name, "list"],
          "state",
        );
        expect(viaState.code).toBe(0);
        const viaTerraform = await rehearsal.run(
          ["terraform", "state", "list"],
          "state",
          false,
          rehearsal.files.stackDir(),
        );
        expect(viaTerraform.code).toBe(0);
        const list = (text: string) =>
          text
            .split("\n")
            .filter((l) => /^[a-z_]+\.[\w-]+/.test(l))
            .sort();
        expect(list(viaState.output)).toEqual(list(viaTerraform.output));
        expect(list(viaState.output)).toEqual(
          expect.arrayContaining([expect.stringMatching(/^docker_container\./)]),
        );
        if (org.server.provider === "hetzner") {
          expect(list(viaState.output)).toEqual(
            expect.arrayContaining([expect.stringMatching(/^hcloud_server\./)]),
          );
        }
      },
      5 * MINUTE,
    );

    test(
      "the plan after the deploy is clean",
      async () => {
        const diff = await timed("no-op plan (cdktf diff)", () => rehearsal.cdktf("diff"));
        fs.writeFileSync(`/tmp/failmap-e2e-${name}-second-plan.log`, diff.output);
        expect(diff.code).toBe(0);
        expect(diff.output).toMatch(/No changes/);
      },
      10 * MINUTE,
    );

    test(
      "cdktf destroy leaves nothing behind",
      async () => {
        const destroy = await timed("cdktf destroy", () => rehearsal.cdktf("destroy", ["--auto-approve"]));
        expect(destroy.code).toBe(0);
        const state = (await (
          await fetch(`${rehearsal.cloud().hcloudEndpoint.replace(/\/v1$/, "")}/__rehearsal/state`, {
            headers: { Authorization: `Bearer ${rehearsal.cloud().hcloudToken}` },
          })
        ).json()) as { leftovers: Record<string, string[]> };
        expect(state.leftovers).toEqual({
          servers: [],
          firewalls: [],
          sshKeys: [],
          primaryIps: [],
          rrsets: [],
        });
        const machines = new NspawnMachines({ network: rehearsal.network });
        if (org.server.provider === "hetzner") {
          // The API's machines are gone with the servers; an existing server is the operator's, not Terraform's.
          expect(
            fs
              .readdirSync(path.dirname(machines.machine(0).dir))
              .filter((d) => d.startsWith(`${rehearsal.network.prefix}-`)),
          ).toEqual([]);
        }
        await timed("local cloud removed", () => rehearsal.removeLocalCloud());
        expect(fs.existsSync(rehearsal.files.dir)).toBe(false);
        expect(
          fs.readdirSync("/run/netns").filter((n) => n.startsWith(`${rehearsal.network.prefix}-`)),
        ).toEqual([]);
      },
      15 * MINUTE,
    );
  });
}

interface Target {
  readonly health: string;
  readonly scrapeUrl: string;
  readonly lastError: string;
  readonly labels: Record<string, string>;
}

function agent(rehearsal: Rehearsal): string {
  return rehearsal.identity.socket();
}

/** A server's IPv4 address, from the names the rehearsal serves. */
function addressOf(rehearsal: Rehearsal, name: string): string {
  const hosts = fs.readFileSync(rehearsal.files.hosts(), "utf8");
  const line = hosts.split("\n").find((l) => /^\d+\.\d+\.\d+\.\d+ /.test(l) && l.split(" ")[1] === name);
  if (!line) throw new Error(`${name} has no IPv4 address in ${rehearsal.files.hosts()}`);
  return line.split(" ")[0];
}

/** The remote worker hosts' names: servers of the local API other than the main one. */
function workerHostNames(rehearsal: Rehearsal): string[] {
  const { organisation: org } = rehearsal.source();
  const hosts = fs.readFileSync(rehearsal.files.hosts(), "utf8").split("\n");
  return [...new Set(hosts.map((l) => l.split(" ")[1] ?? ""))].filter(
    (n) =>
      org.remoteWorkers !== undefined &&
      Object.keys(org.remoteWorkers.hosts).some((g) => n.startsWith(`${g}-`)),
  );
}

/** The PEM files `npm run client-cert` wrote for a client. */
function clientIdentity(organisation: string, client: string): TlsIdentity {
  const dir = path.join(process.cwd(), "client-certs", organisation);
  return {
    cert: fs.readFileSync(path.join(dir, `${client}.crt.pem`), "utf8"),
    key: fs.readFileSync(path.join(dir, `${client}.key.pem`), "utf8"),
  };
}
