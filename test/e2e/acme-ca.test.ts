import { execFileSync } from "node:child_process";
import { randomInt } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { TerraformOutput } from "cdktf";
import { Certificates } from "../../constructs/tls/certificates";
import { terraformEnv } from "../../ops/terraform/check-stack";
import { failure, runTerraform } from "../../ops/state/terraform";
import { DnsServer } from "../../rehearsal/rehearse/dns-server";
import { Pebble } from "../../rehearsal/rehearse/pebble";
import { freePort, requireProgram } from "../system/support/programs";
import { loadExample } from "../support/organisations";
import { synth, testStack } from "../unit/tls/synth";
import { ensureMirror } from "../terraform/stacks";

/*
 * Certificates from an ACME CA other than Let's Encrypt, by its directory URL: the real acme provider (and the
 * lego inside it) against Debian's pebble, whose directory has a TLS certificate of a private root, with DNS-01
 * through lego's exec DNS provider and pebble-challtestsrv, which answers no SOA. What docs/operations.md tells
 * an operator is what this test does: the private root in LEGO_CA_CERTIFICATES, the DNS provider's settings in
 * the environment, acme.recursiveNameservers and acme.disableCompletePropagation in the organisation file.
 */
const EXEC_HOOK = path.resolve(__dirname, "../../rehearsal/rehearse/challtestsrv-exec.sh");
const NAMES = ["faalserver.faalkaart.test", "faalkaart.test", "www.faalkaart.test"];

let root: string;
let dns: DnsServer;
let pebble: Pebble;

beforeAll(async () => {
  requireProgram("openssl", "openssl");
  ensureMirror();
  root = fs.mkdtempSync(path.join(os.tmpdir(), "failmap-acme-ca-"));
  // A loopback address of its own, so that port 53 is free whatever else runs here.
  const address = `127.${randomInt(1, 255)}.${randomInt(1, 255)}.${randomInt(2, 255)}`;
  dns = await DnsServer.start([address], await freePort(), root);
  pebble = await Pebble.start("127.0.0.1", await freePort(), dns.address, path.join(root, "pebble"));
}, 60_000);

afterAll(async () => {
  await pebble?.daemon.stop();
  await dns?.daemon.stop();
  if (root) fs.rmSync(root, { recursive: true, force: true });
});

/** The Certificates construct for one host, synthesized into its own Terraform working directory. */
function certificateStack(acme: Record<string, unknown>): { dir: string; address: string } {
  const org = loadExample("faalkaart", (d) => {
    d.acme = { email: "hostmaster@faalkaart.test", dnsProvider: "exec", ...acme };
  });
  const { stack, host } = testStack(NAMES[0]);
  const certificates = new Certificates(stack, "certificates", {
    acme: org.acme,
    sites: [{ host, names: NAMES }],
  });
  new TerraformOutput(stack, "chain", { value: certificates.certificateFor(host).certificatePem });
  const json = synth(stack);
  const dir = fs.mkdtempSync(path.join(root, "stack-"));
  fs.writeFileSync(path.join(dir, "cdk.tf.json"), JSON.stringify(json, null, 2));
  const init = runTerraform(["init", "-no-color"], dir, terraformEnv());
  if (init.status !== 0) throw new Error(failure(["init"], init));
  // Only the certificate and what it needs: the test host's other resources would connect to it by SSH.
  return { dir, address: `acme_certificate.${Object.keys(json.resource.acme_certificate)[0]}` };
}

/** terraformEnv sets TF_INPUT=0: nothing asks. */
function terraform(dir: string, args: string[], env: NodeJS.ProcessEnv) {
  return runTerraform([...args, "-no-color"], dir, terraformEnv(env));
}

const dnsProviderEnv = () => ({
  EXEC_PATH: EXEC_HOOK,
  FAILMAP_REHEARSAL_DNS_API: dns.management,
  EXEC_PROPAGATION_TIMEOUT: "15",
  EXEC_POLLING_INTERVAL: "1",
  // lego solves an exec provider's challenges one name after another, 60 s apart unless told otherwise.
  EXEC_SEQUENCE_INTERVAL: "1",
});

describe("a certificate from a CA of one's own, by its directory URL", () => {
  test("needs the CA's root in LEGO_CA_CERTIFICATES, and is then issued, with a clean plan after", () => {
    const { dir, address } = certificateStack({
      directory: pebble.directory,
      recursiveNameservers: [dns.address],
      disableCompletePropagation: true,
    });
    const apply = ["apply", "-auto-approve", `-target=${address}`];

    const untrusted = terraform(dir, apply, dnsProviderEnv());
    expect(untrusted.status).not.toBe(0);
    expect(untrusted.stderr).toContain(`get directory at '${pebble.directory}'`);
    expect(untrusted.stderr).toContain("x509: certificate signed by unknown authority");

    const trusted = { ...dnsProviderEnv(), LEGO_CA_CERTIFICATES: pebble.tlsCaFile };
    const issued = terraform(dir, apply, trusted);
    expect(issued.status === 0 || issued.stderr).toBe(true);
    const chain = terraform(dir, ["output", "-raw", "chain"], trusted).stdout;
    const leaf = execFileSync("openssl", ["x509", "-noout", "-ext", "subjectAltName", "-issuer"], {
      input: chain,
      encoding: "utf8",
    });
    const sans = [...leaf.matchAll(/DNS:([^,\s]+)/g)].map((m) => m[1]);
    expect(sans.sort()).toEqual([...NAMES].sort());
    expect(leaf).toMatch(/issuer=CN ?= ?Pebble Intermediate CA/);

    const plan = terraform(dir, ["plan", "-detailed-exitcode", `-target=${address}`], trusted);
    expect(plan.status === 0 || `${plan.stdout}${plan.stderr}`).toBe(true);
  }, 300_000);

  test("fails on a DNS server that answers no SOA unless the complete-propagation check is off", () => {
    const { dir, address } = certificateStack({
      directory: pebble.directory,
      recursiveNameservers: [dns.address],
    });
    // lego gives up on each name after this long; it never finds the zone here.
    const env = {
      ...dnsProviderEnv(),
      EXEC_PROPAGATION_TIMEOUT: "4",
      LEGO_CA_CERTIFICATES: pebble.tlsCaFile,
    };
    const run = terraform(dir, ["apply", "-auto-approve", `-target=${address}`], env);
    expect(run.status).not.toBe(0);
    expect(run.stderr).toMatch(/could not find zone.*SOA/s);
  }, 300_000);
});
