import { Resource } from "@cdktf/provider-null/lib/resource";
import { DataResource, Testing, TerraformStack, type ITerraformDependable } from "cdktf";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { FailmapContainer } from "../../constructs/app/failmap-container";
import type { Host } from "../../constructs/host/host";
import { PinnedImage } from "../../constructs/host/pinned-image";
import { SshHost } from "../../constructs/host/ssh-host";
import { Certificates } from "../../constructs/tls/certificates";
import { prepareStack, terraformEnv, type StackCheck } from "../../ops/terraform/check-stack";
import { failure, runTerraform } from "../../ops/state/terraform";
import type { TerraformJson } from "../../ops/terraform/projection";
import { configureProviders } from "../../stacks/providers";
import { loadExample } from "../support/organisations";
import { ensureMirror } from "./stacks";

/*
 * Day-two edits, planned by real Terraform on small stacks built from the project's own constructs: applied
 * once (tls is the real plugin; the other providers' blocks are terraform_data stand-ins, see projection.ts,
 * without their provisioners, which would log in to servers that do not exist), then changed and planned
 * again. What a provider itself decides (which argument forces a replacement) cannot be planned without its
 * plugin; those replacements are asked for with -replace, as the providers' source says they happen.
 */

let root: string;

beforeAll(() => {
  ensureMirror();
  root = fs.mkdtempSync(path.join(os.tmpdir(), "failmap-day-two-"));
}, 10 * 60_000);

afterAll(() => {
  if (root) fs.rmSync(root, { recursive: true, force: true });
});

interface PlannedChange {
  readonly address: string;
  readonly type: string;
  readonly change: { readonly actions: readonly string[] };
  readonly action_reason?: string;
}

/** A folder holding one small stack's projection and its local state, synthesized again for each edit. */
class SmallStack {
  private check?: StackCheck;

  constructor(private readonly name: string) {}

  /** Writes the stack as it is now into the folder, keeping the state that is there. */
  write(stack: TerraformStack): void {
    const synthDir = path.join(root, `${this.name}-synth`);
    fs.mkdirSync(synthDir, { recursive: true });
    fs.writeFileSync(path.join(synthDir, "cdk.tf.json"), Testing.synth(stack));
    const projected = prepareStack(synthDir, path.join(root, `${this.name}-projection`), undefined, local);
    const workdir = path.join(root, this.name);
    fs.mkdirSync(workdir, { recursive: true });
    fs.copyFileSync(path.join(projected.workdir, "cdk.tf.json"), path.join(workdir, "cdk.tf.json"));
    this.check = { ...projected, workdir };
  }

  tf(...args: string[]): string {
    if (!this.check) throw new Error("write the stack first");
    const run = runTerraform(args, this.check.workdir, terraformEnv());
    if (run.status !== 0) throw new Error(failure(args, run));
    return run.stdout;
  }

  apply(): void {
    this.tf("init", "-input=false", "-no-color");
    this.tf("apply", "-input=false", "-no-color", "-auto-approve");
  }

  /** `terraform plan` with extra arguments, as `terraform show -json` reports it. */
  plan(...args: string[]): PlannedChange[] {
    this.tf("plan", "-input=false", "-no-color", "-out=day-two.tfplan", ...args);
    const shown = JSON.parse(this.tf("show", "-json", "day-two.tfplan")) as {
      resource_changes?: PlannedChange[];
    };
    return shown.resource_changes ?? [];
  }

  /** The stand-in address of a block of a missing provider, e.g. terraform_data.acme_registration__x. */
  standIn(type: string): string {
    const json = this.json();
    const [name] = Object.keys(json.resource?.terraform_data ?? {}).filter((n) => n.startsWith(`${type}__`));
    if (!name) throw new Error(`no stand-in of a ${type} in ${this.name}`);
    return `terraform_data.${name}`;
  }

  address(type: string): string {
    const [name] = Object.keys(this.json().resource?.[type] ?? {});
    if (!name) throw new Error(`no ${type} in ${this.name}`);
    return `${type}.${name}`;
  }

  private json(): TerraformJson {
    return JSON.parse(fs.readFileSync(path.join(root, this.name, "cdk.tf.json"), "utf8")) as TerraformJson;
  }
}

/** State in the stack's folder, and no stand-in provisioners: they would connect to servers. */
function local(json: TerraformJson): TerraformJson {
  const standIns = json.resource?.terraform_data ?? {};
  for (const block of Object.values(standIns)) {
    delete block.provisioner;
    delete block.connection;
  }
  json.terraform = { ...json.terraform, backend: { local: { path: "terraform.tfstate" } } };
  return json;
}

const actionsOf = (changes: readonly PlannedChange[], address: string): string =>
  changes.find((c) => c.address === address)?.change.actions.join(",") ?? "no change planned";

describe("changing the ACME e-mail, or a certificate's names", () => {
  const small = new SmallStack("acme");
  const synthAcme = (email: string) => {
    const org = loadExample("faalkaart", (d) => {
      d.acme.email = email;
    });
    const stack = new TerraformStack(Testing.app(), "acme");
    configureProviders(stack, { hcloud: false });
    const host = { name: "main", fqdn: org.server.fqdn } as Host;
    new Certificates(stack, "certificates", { acme: org.acme, sites: [{ host, names: [org.server.fqdn] }] });
    return stack;
  };

  it("registers a new account with a new key before the old account is deactivated", () => {
    small.write(synthAcme("hostmaster@faalkaart.nl"));
    small.apply();
    small.write(synthAcme("ops@faalkaart.nl"));
    const registration = small.standIn("acme_registration");
    const certificate = small.standIn("acme_certificate");
    const key = small.address("tls_private_key");
    // acme_registration's email_address and account_key_pem, and acme_certificate's account_key_pem, are
    // ForceNew in the acme provider: the plugin would replace both, as -replace does here.
    const changes = small.plan(`-replace=${registration}`, `-replace=${certificate}`);

    expect(changes.find((c) => c.address === key)?.action_reason).toBe("replace_by_triggers");
    expect(actionsOf(changes, key)).toBe("create,delete");
    expect(actionsOf(changes, registration)).toBe("create,delete");
    expect(actionsOf(changes, certificate)).toBe("create,delete");
  }, 120_000);

  it("keeps the account key when the e-mail stays", () => {
    small.write(synthAcme("hostmaster@faalkaart.nl"));
    const changes = small.plan();
    expect(actionsOf(changes, small.address("tls_private_key"))).toBe("no-op");
  }, 60_000);
});

/** A host whose machine is a terraform_data "server", so that a plan can replace it. */
class StandInHost extends SshHost {
  readonly fqdn = "faalserver.faalkaart.nl";
  readonly ipv4Address = "192.0.2.10";
  readonly ipv6Address = undefined;
  readonly deployUser = "deploy";
  readonly sshPort = 22;
  readonly hostPublicKey = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIAYLB61MYixZi/K9yIcLjjgUW+4vvH4bazPVx1Pgau3o";
  readonly machineId: string;
  readonly reachable: ITerraformDependable;

  constructor(scope: TerraformStack) {
    super(scope, "main");
    const server = new DataResource(scope, "server", { input: { image: "debian-12" } });
    this.machineId = server.id;
    this.reachable = server;
  }
}

describe("a replaced server", () => {
  const small = new SmallStack("machine");
  const synthHost = (bundle: string) => {
    const stack = new TerraformStack(Testing.app(), "machine");
    configureProviders(stack, { hcloud: false });
    const host = new StandInHost(stack);
    const bootstrap = new Resource(stack, "bootstrap", { triggers: { machine: host.machineId, bundle } });
    host.markReady(bootstrap);
    const image = new PinnedImage(stack, "image", { host, reference: "redis:7" });
    new FailmapContainer(stack, "broker", {
      host,
      identity: { organisation: "faalkaart", instance: "production", role: "broker" },
      name: "failmap-production-broker",
      image: image.id,
      memoryMb: 256,
    });
    return stack;
  };

  it("gets its image and containers again in the same apply", () => {
    small.write(synthHost("bundle-1"));
    small.apply();
    const changes = small.plan("-replace=terraform_data.server");
    expect(actionsOf(changes, "terraform_data.server")).toBe("delete,create");
    expect(actionsOf(changes, small.standIn("docker_container"))).toBe("delete,create");
    expect(actionsOf(changes, small.standIn("docker_image"))).toBe("delete,create");
  }, 120_000);

  it("keeps them when only the bootstrap runs again", () => {
    small.write(synthHost("bundle-2"));
    const bootstrap = small.standIn("null_resource");
    // A new bundle replaces the bootstrap's null_resource (its triggers force it).
    const changes = small.plan(`-replace=${bootstrap}`);
    expect(actionsOf(changes, bootstrap)).toBe("delete,create");
    expect(actionsOf(changes, small.standIn("docker_container"))).toBe("no-op");
    expect(actionsOf(changes, small.standIn("docker_image"))).toBe("no-op");
  }, 60_000);
});
