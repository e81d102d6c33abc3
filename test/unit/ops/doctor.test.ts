import path from "node:path";
import { stringify } from "yaml";
import { loadFiles, loadOrganisations, type LoadedOrganisation } from "../../../config/load";
import { renderFindings, runDoctor, type DoctorEnvironment } from "../../../ops/doctor/doctor";
import { requiredVariables } from "../../../ops/env/required";
import { exampleData } from "../../support/organisations";

const [faalkaart, failmapUk] = loadOrganisations(path.join(__dirname, "../../../organisations"));
const JOHAN_KEY = faalkaart.organisation.users[0].keys[0];

/** A machine where everything is in order for faalkaart, unless a test says otherwise. */
function world(overrides: Partial<DoctorEnvironment> = {}): DoctorEnvironment {
  return {
    env: {
      HCLOUD_TOKEN: "h",
      HETZNER_API_TOKEN: "d",
      FAILMAP_STATE_BUCKET: "failmap-state",
      FAILMAP_STATE_ENDPOINT: "https://fsn1.your-objectstorage.com",
      AWS_ACCESS_KEY_ID: "a",
      AWS_SECRET_ACCESS_KEY: "s",
      SSH_AUTH_SOCK: "/tmp/agent",
    },
    // The same key, with the comment another laptop gives it.
    agentKeys: async () => ({ kind: "keys", keys: [JOHAN_KEY.replace("johan@laptop", "johan@ci")] }),
    resolve: async () => ["203.0.113.10"],
    head: async () => 403,
    ...overrides,
  };
}

const problems = async (org: LoadedOrganisation, w: DoctorEnvironment) =>
  (await runDoctor(org, w)).filter((f) => f.level === "problem");

describe("npm run doctor", () => {
  test("reports no problem when everything is in place", async () => {
    const findings = await runDoctor(faalkaart, world());
    expect(findings.filter((f) => f.level === "problem")).toEqual([]);
    const report = renderFindings(faalkaart, findings);
    expect(report).toContain("✓ the SSH agent holds a key of operator johan");
    expect(report).toContain(
      "✓ the state bucket answers at https://fsn1.your-objectstorage.com/failmap-state (HTTP 403); state key failmap/faalkaart.tfstate",
    );
    expect(report).toContain("Ready to deploy");
  });

  test("a missing token is a problem that says where to get one", async () => {
    const env = { ...world().env, HETZNER_API_TOKEN: undefined };
    expect(await problems(faalkaart, world({ env }))).toEqual([
      {
        level: "problem",
        message:
          "HETZNER_API_TOKEN is not set: Let's Encrypt DNS-01 challenges go through lego's 'hetzner' DNS provider",
        fix: expect.stringContaining("Hetzner Console"),
      },
    ]);
  });

  test("an agent without an operator's key is a problem that names the operators", async () => {
    const stranger =
      "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIBqBm1pcLKcOd2lNKddb7qIuEYqUKNyKlHWbP4Kl8MUc eve@elsewhere";
    const found = await problems(
      faalkaart,
      world({ agentKeys: async () => ({ kind: "keys", keys: [stranger] }) }),
    );
    expect(found.map((f) => f.message)).toEqual([
      "none of the 1 key(s) in the SSH agent belongs to an operator (sudo user: johan, elger)",
    ]);
  });

  test("a key of a user without sudo does not count", async () => {
    const bob = failmapUk.organisation.users.find((u) => u.name === "bob")!.keys[0];
    const env = { ...world().env, FAILMAP_STATE_BUCKET: undefined };
    const found = await problems(
      failmapUk,
      world({ env, agentKeys: async () => ({ kind: "keys", keys: [bob] }) }),
    );
    expect(found.map((f) => f.message)).toContain(
      "none of the 1 key(s) in the SSH agent belongs to an operator (sudo user: alice)",
    );
  });

  describe("names of an existing server", () => {
    const env = { ...world().env, FAILMAP_STATE_BUCKET: undefined, EXEC_PATH: "/usr/local/bin/dns-hook" };
    const resolve = async (name: string) =>
      name === "admin.failmap.co.uk"
        ? []
        : name === "www.failmap.co.uk"
          ? ["198.51.100.7"]
          : ["203.0.113.10"];
    const alice = failmapUk.organisation.users[0].keys[0];
    const agentKeys = async () => ({ kind: "keys" as const, keys: [alice] });
    const withAcme = (acme: Record<string, unknown>) => {
      const data: Record<string, any> = exampleData("failmap-uk");
      data.acme = { email: "ops@failmap.co.uk", ...acme };
      return loadFiles([{ file: "organisations/failmap-uk.yaml", text: stringify(data) }])[0];
    };
    const namesFound = async (org: LoadedOrganisation, lookup = resolve) =>
      (await runDoctor(org, world({ env, resolve: lookup, agentKeys }))).filter(
        (f) => f.level !== "ok" && /resolve/.test(f.message),
      );

    test("must already point at it when Let's Encrypt certifies public sites", async () => {
      expect(await namesFound(withAcme({ directory: "staging", dnsProvider: "cloudflare" }))).toEqual([
        {
          level: "problem",
          message: "www.failmap.co.uk resolves to 198.51.100.7, not to the server (203.0.113.10)",
          fix: "point www.failmap.co.uk at 203.0.113.10",
        },
        {
          level: "problem",
          message: "admin.failmap.co.uk does not resolve",
          fix: "create a DNS record admin.failmap.co.uk → 203.0.113.10",
        },
      ]);
    });

    test.each([
      ["self-signed certificates", failmapUk],
      [
        "a CA of its own",
        withAcme({ directory: "https://ca.failmap.test/acme/acme/directory", dnsProvider: "exec" }),
      ],
    ])("are only a warning with %s, which a deploy does not need them for", async (_kind, org) => {
      expect(await namesFound(org)).toEqual([
        {
          level: "warning",
          message:
            "www.failmap.co.uk resolves to 198.51.100.7, not to the server (203.0.113.10); the deploy does not need it (no public CA)",
          fix: "point www.failmap.co.uk at 203.0.113.10 where the site's users resolve it",
        },
        {
          level: "warning",
          message: "admin.failmap.co.uk does not resolve; the deploy does not need it (no public CA)",
          fix: "create a DNS record admin.failmap.co.uk → 203.0.113.10 where the site's users resolve it",
        },
      ]);
      const ready = renderFindings(org, await runDoctor(org, world({ env, resolve, agentKeys })));
      expect(ready).toMatch(/Ready to deploy \(\d+ warning\(s\)\)\./);
    });

    test("always needs the server's FQDN, which the deploy connects to", async () => {
      const fqdn = failmapUk.organisation.server.fqdn;
      const found = await namesFound(failmapUk, async (name) => (name === fqdn ? [] : ["203.0.113.10"]));
      expect(found).toEqual([
        {
          level: "problem",
          message: `${fqdn} does not resolve`,
          fix: `create a DNS record ${fqdn} → 203.0.113.10`,
        },
      ]);
    });
  });

  test("a missing bucket and a local state in CI are problems", async () => {
    expect((await problems(faalkaart, world({ head: async () => 404 }))).map((f) => f.message)).toEqual([
      "the state bucket 'failmap-state' does not exist at https://fsn1.your-objectstorage.com/failmap-state",
    ]);
    const env = { ...world().env, FAILMAP_STATE_BUCKET: undefined, CI: "true" };
    expect((await problems(faalkaart, world({ env })))[0].message).toBe(
      "org-faalkaart keeps its state in a local file, which is lost when this CI job ends",
    );
  });
});

describe("npm run doctor on risky settings the file may hold on purpose", () => {
  test("SSH open to the whole internet is a warning naming the file, line and field, as at synth", async () => {
    const data: Record<string, any> = exampleData();
    data.sshAllowedNetworks.push("0.0.0.0/0");
    const [open] = loadFiles([{ file: "organisations/faalkaart.yaml", text: stringify(data) }]);
    const findings = await runDoctor(open, world());
    expect(findings.filter((f) => f.level === "warning")).toContainEqual({
      level: "warning",
      message: expect.stringMatching(
        /^organisations\/faalkaart\.yaml:\d+: sshAllowedNetworks\.2: 0\.0\.0\.0\/0 opens SSH .* to the whole internet/,
      ),
      fix: expect.stringContaining("on purpose"),
    });
    expect(renderFindings(open, findings)).toMatch(
      /! organisations\/faalkaart\.yaml:\d+: sshAllowedNetworks\.2/,
    );
    expect((await runDoctor(faalkaart, world())).map((f) => f.message)).not.toContainEqual(
      expect.stringContaining("opens SSH"),
    );
  });

  test("a plaintext state endpoint from the environment is a problem, and is not contacted", async () => {
    const head = jest.fn(async () => 403);
    const env = { ...world().env, FAILMAP_STATE_ENDPOINT: "http://fsn1.your-objectstorage.com" };
    const found = await problems(faalkaart, world({ env, head }));
    expect(found).toEqual([
      {
        level: "problem",
        message: expect.stringContaining(
          "the state endpoint http://fsn1.your-objectstorage.com (FAILMAP_STATE_ENDPOINT or state.endpoint) is http:// to fsn1.your-objectstorage.com: the state holds the private CA key and every password",
        ),
        fix: "set FAILMAP_STATE_ENDPOINT to the https:// address of the object storage",
      },
    ]);
    expect(head).not.toHaveBeenCalled();
  });
});

describe("the credentials a deploy needs", () => {
  test("follow from the organisation file", () => {
    const names = (org: LoadedOrganisation, env: NodeJS.ProcessEnv = {}) =>
      requiredVariables(org.organisation, env).map((v) => v.names.join("|"));
    expect(names(faalkaart)).toEqual(["HCLOUD_TOKEN", "HETZNER_API_TOKEN"]);
    expect(names(faalkaart, { FAILMAP_STATE_BUCKET: "b" })).toEqual([
      "HCLOUD_TOKEN",
      "AWS_ACCESS_KEY_ID",
      "AWS_SECRET_ACCESS_KEY",
      "HETZNER_API_TOKEN",
    ]);
    // An existing server, self-signed certificates, no DNS zone: nothing to unlock.
    expect(names(failmapUk)).toEqual([]);
  });

  test("include lego's exec program for a CA of one's own, named as that CA's challenge", () => {
    const data: Record<string, any> = exampleData("failmap-uk");
    data.acme = { email: "ops@failmap.co.uk", directory: "https://ca.failmap.test/dir", dnsProvider: "exec" };
    const [own] = loadFiles([{ file: "organisations/failmap-uk.yaml", text: stringify(data) }]);
    expect(requiredVariables(own.organisation, {})).toEqual([
      expect.objectContaining({
        names: ["EXEC_PATH"],
        why: "the ACME CA's DNS-01 challenges go through lego's 'exec' DNS provider",
      }),
    ]);
  });
});
