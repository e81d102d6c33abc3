import { Resource } from "@cdktf/provider-null/lib/resource";
import { DataResource, Fn, Testing, TerraformStack, Token, type ITerraformDependable } from "cdktf";
import { OrganisationStack } from "../../stacks/organisation-stack";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { FailmapContainer } from "../../constructs/app/failmap-container";
import type { Host } from "../../constructs/host/host";
import { HostFiles } from "../../constructs/host/host-files";
import { freezeImageLookups } from "../../constructs/host/image-lookup";
import { PinnedImage } from "../../constructs/host/pinned-image";
import { ServerTypeChange } from "../../constructs/host/server-type-change";
import { SshHost } from "../../constructs/host/ssh-host";
import { Certificates } from "../../constructs/tls/certificates";
import { prepareStack, terraformEnv, type StackCheck } from "../../ops/terraform/check-stack";
import { failure, runTerraform } from "../../ops/state/terraform";
import type { TerraformJson } from "../../ops/terraform/projection";
import { configureProviders } from "../../stacks/providers";
import { loadExample } from "../support/organisations";
import { startApiProcess, type ApiProcess } from "./hcloud-api/support";
import { ensureMirror } from "./stacks";

/*
 * Day-two edits, planned by real Terraform on small stacks built from the project's own constructs: applied
 * once (tls is the real plugin; the other providers' blocks are terraform_data stand-ins, see projection.ts,
 * without their provisioners, which would log in to servers that do not exist), then changed and planned
 * again. What a provider itself decides (which argument forces a replacement) cannot be planned without its
 * plugin; those replacements are asked for with -replace, as the providers' source says they happen.
 */

let root: string;

/** Planned by their real plugins: tls and random compute locally; every other provider talks to a server. */
const REAL_PLUGINS = new Set(["tls", "random"]);

beforeAll(() => {
  ensureMirror();
  root = fs.mkdtempSync(path.join(os.tmpdir(), "failmap-day-two-"));
}, 10 * 60_000);

afterAll(() => {
  if (root) fs.rmSync(root, { recursive: true, force: true });
});

interface ApplyEvent {
  readonly type: string;
  readonly address: string;
}

interface PlannedChange {
  readonly address: string;
  readonly type: string;
  readonly change: { readonly actions: readonly string[] };
  readonly action_reason?: string;
}

/** A folder holding one small stack's projection and its local state, synthesized again for each edit. */
class SmallStack {
  private check?: StackCheck;

  constructor(
    private readonly name: string,
    private readonly env: NodeJS.ProcessEnv = {},
    private readonly plugins: ReadonlySet<string> = REAL_PLUGINS,
  ) {}

  /** Writes the stack as it is now into the folder, keeping the state that is there. */
  write(stack: TerraformStack, adjust: (json: TerraformJson) => TerraformJson = (json) => json): void {
    const synthDir = path.join(root, `${this.name}-synth`);
    fs.mkdirSync(synthDir, { recursive: true });
    fs.writeFileSync(path.join(synthDir, "cdk.tf.json"), Testing.synth(stack));
    const projected = prepareStack(
      synthDir,
      path.join(root, `${this.name}-projection`),
      this.plugins,
      (json) => adjust(local(json)),
    );
    const workdir = path.join(root, this.name);
    fs.mkdirSync(workdir, { recursive: true });
    fs.copyFileSync(path.join(projected.workdir, "cdk.tf.json"), path.join(workdir, "cdk.tf.json"));
    this.check = { ...projected, workdir };
  }

  tf(...args: string[]): string {
    if (!this.check) throw new Error("write the stack first");
    const run = runTerraform(args, this.check.workdir, terraformEnv(this.env));
    if (run.status !== 0) throw new Error(failure(args, run));
    return run.stdout;
  }

  /** Applies, and returns the order Terraform reported its steps in (`apply -json`). */
  apply(): ApplyEvent[] {
    this.tf("init", "-input=false", "-no-color");
    return this.tf("apply", "-input=false", "-no-color", "-auto-approve", "-json")
      .split("\n")
      .filter((line) => line.startsWith("{"))
      .map((line) => JSON.parse(line) as { type: string; hook?: { resource?: { addr: string } } })
      .filter((event) => event.hook?.resource)
      .map((event) => ({ type: event.type, address: event.hook!.resource!.addr }));
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
  standIn(type: string, nameContains = ""): string {
    const json = this.json();
    const [name] = Object.keys(json.resource?.terraform_data ?? {}).filter(
      (n) => n.startsWith(`${type}__`) && n.includes(nameContains),
    );
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
  const blocks = Object.entries(json.resource?.terraform_data ?? {});
  for (const [, block] of blocks.filter(([name]) => name.includes("__"))) {
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

const HOST_KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIAYLB61MYixZi/K9yIcLjjgUW+4vvH4bazPVx1Pgau3o";

/** A host whose machine is a terraform_data "server", so that a plan can replace it. */
class StandInHost extends SshHost {
  readonly fqdn = "faalserver.faalkaart.nl";
  readonly ipv4Address = "192.0.2.10";
  readonly ipv6Address = undefined;
  readonly deployUser = "deploy";
  readonly sshPort = 22;
  readonly hostPublicKey = HOST_KEY;
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

  it("are not replaced by the deploy that introduces the machine identity", () => {
    // A stack deployed before the identity existed: Terraform creates it, and a resource that names a
    // newly created one in replace_triggered_by is not replaced.
    const before = new SmallStack("machine-upgrade");
    const withoutIdentity = (json: TerraformJson): TerraformJson => {
      const blocks = json.resource?.terraform_data ?? {};
      for (const [name, block] of Object.entries(blocks)) {
        if (name.includes("machine")) delete blocks[name];
        else delete block.lifecycle;
      }
      return json;
    };
    before.write(synthHost("bundle-1"), withoutIdentity);
    before.apply();
    before.write(synthHost("bundle-1"));
    const changes = before.plan();
    expect(changes.filter((c) => c.change.actions.join() !== "no-op").map((c) => c.change.actions)).toEqual([
      ["create"],
    ]);
  }, 120_000);

  it("keeps them when only the bootstrap runs again", () => {
    small.write(synthHost("bundle-2"));
    const bootstrap = small.standIn("null_resource", "bootstrap");
    // A new bundle replaces the bootstrap's null_resource (its triggers force it).
    const changes = small.plan(`-replace=${bootstrap}`);
    expect(actionsOf(changes, bootstrap)).toBe("delete,create");
    expect(actionsOf(changes, small.standIn("docker_container"))).toBe("no-op");
    expect(actionsOf(changes, small.standIn("docker_image"))).toBe("no-op");
  }, 60_000);
});

describe("a server type change", () => {
  // An ssh that only logs its arguments: the step's script runs for real, against no server.
  const bin = () => path.join(root, "bin");
  const sshLog = () => path.join(root, "ssh.log");
  const small = new SmallStack("type-change", {
    get PATH() {
      return `${bin()}:${process.env.PATH}`;
    },
  });
  const synthServer = (serverType: string, assigneeId: number) => {
    const stack = new TerraformStack(Testing.app(), "type-change");
    // The primary IPv4, whose assignee_id is the id of the server holding it (0: none yet).
    const primary = new DataResource(stack, "primary", { input: { assignee_id: assigneeId } });
    const step = new ServerTypeChange(stack, "type-change", {
      target: { fqdn: "faalserver.faalkaart.nl", deployUser: "deploy", sshPort: 22, hostPublicKey: HOST_KEY },
      address: "203.0.113.7",
      assigneeId: Token.asString(Fn.lookup(primary.output, "assignee_id", 0)),
      serverType,
    });
    // As HetznerHost wires it: the server waits for the step.
    new DataResource(stack, "server", { input: { server_type: serverType }, dependsOn: [step.resource] });
    return stack;
  };
  const order = (events: readonly ApplyEvent[], type: string, address: string) =>
    events.findIndex((e) => e.type === type && e.address === address);

  beforeAll(() => {
    fs.mkdirSync(bin(), { recursive: true });
    fs.writeFileSync(path.join(bin(), "ssh"), `#!/bin/sh\necho "$@" >>${sshLog()}\n`, { mode: 0o755 });
  });

  it("logs in nowhere before the first server exists", () => {
    small.write(synthServer("cx32", 0));
    small.apply();
    expect(fs.existsSync(sshLog())).toBe(false);
  }, 120_000);

  it("stops the services, and only then lets the server change", () => {
    small.write(synthServer("cx42", 4711));
    const events = small.apply();
    const [stepAddress] = events.map((e) => e.address).filter((a) => a.includes("stop-services"));
    expect(order(events, "apply_complete", stepAddress)).toBeGreaterThanOrEqual(0);
    expect(order(events, "apply_complete", stepAddress)).toBeLessThan(
      order(events, "apply_start", "terraform_data.server"),
    );
    expect(fs.readFileSync(sshLog(), "utf8")).toMatch(/deploy@203\.0\.113\.7 .*systemctl stop/);
  }, 120_000);

  it("does not run again while the type stays", () => {
    fs.rmSync(sshLog(), { force: true });
    small.write(synthServer("cx42", 4711));
    const events = small.apply();
    expect(events.filter((e) => e.type === "apply_start").map((e) => e.address)).toEqual([]);
    expect(fs.existsSync(sshLog())).toBe(false);
  }, 120_000);
});

describe("a new image upstream, planned by the scheduled renewal job", () => {
  const synthImage = (frozen: boolean) => {
    const app = Testing.app();
    if (frozen) freezeImageLookups(app);
    const stack = new TerraformStack(app, "image");
    configureProviders(stack, { hcloud: false });
    const host = new StandInHost(stack);
    host.markReady(new Resource(stack, "bootstrap", { triggers: { machine: host.machineId } }));
    const image = new PinnedImage(stack, "image", { host, reference: "websecmap/websecmap:latest" });
    new HostFiles(stack, "env", {
      host,
      files: [{ path: "/etc/failmap/production/instance.env", content: `FAILMAP_IMAGE=${image.pinned}\n` }],
    });
    return stack;
  };
  /** The stand-in of docker_image ignores its input as the image ignores name and pull_triggers. */
  const asFrozenImage = (json: TerraformJson): TerraformJson => {
    for (const [name, block] of Object.entries(json.resource?.terraform_data ?? {})) {
      if (name.startsWith("docker_image__")) {
        block.lifecycle = { ...(block.lifecycle as object), ignore_changes: ["input"] };
      }
    }
    return json;
  };

  it("changes the image and the files that name it in a reviewed plan, and nothing when frozen", () => {
    const small = new SmallStack("image");
    small.write(synthImage(false));
    small.apply();
    const lookup = small.standIn("data__docker_registry_image");
    const image = small.standIn("docker_image");
    const files = small.standIn("null_resource", "env_files");
    // The registry answers with a new digest: the lookup's stand-in gets a new id.
    const reviewed = small.plan(`-replace=${lookup}`);
    expect(actionsOf(reviewed, image)).toBe("update");
    expect(actionsOf(reviewed, files)).toBe("update");

    small.write(synthImage(true), asFrozenImage);
    const frozen = small.plan(`-replace=${lookup}`);
    expect(actionsOf(frozen, image)).toBe("no-op");
    expect(actionsOf(frozen, files)).toBe("no-op");
  }, 120_000);
});

describe("removing a worker host, by lowering its group's count or by deleting the group", () => {
  // The whole example organisation, its servers, addresses, firewalls and DNS records applied by the real
  // hcloud plugin against the local Hetzner API; tls and random real too; the rest stand-ins.
  let api: ApiProcess;
  const small = new SmallStack(
    "worker-hosts",
    {
      get HCLOUD_ENDPOINT() {
        return api.endpoint;
      },
      get HCLOUD_TOKEN() {
        return api.token;
      },
    },
    new Set([...REAL_PLUGINS, "hcloud"]),
  );
  const synthWorkerHosts = (count: number | "no group") => {
    const org = loadExample("faalkaart", (d) => {
      if (count === "no group") delete d.remoteWorkers.hosts.scanners;
      else d.remoteWorkers.hosts.scanners.count = count;
    });
    return new OrganisationStack(Testing.app(), { organisation: org });
  };
  /** The provider configurations a stack's resources name, as Terraform keeps them in state with each one. */
  const providersNamed = (stack: TerraformStack, hostName: string) => {
    const json = JSON.parse(Testing.synth(stack)) as TerraformJson;
    return Object.entries(json.resource ?? {}).flatMap(([type, blocks]) =>
      Object.entries(blocks)
        .filter(([name]) => name.includes(hostName))
        .map(([name, block]) => `${type}.${name}: ${String(block.provider ?? type.split("_")[0])}`),
    );
  };
  /** The provider configurations a stack has, and Terraform's own (terraform_data), which is always there. */
  const configured = (stack: TerraformStack) => {
    const json = JSON.parse(Testing.synth(stack)) as TerraformJson;
    return new Set([
      "terraform",
      ...Object.entries(json.provider ?? {}).flatMap(([type, configs]) =>
        (configs as { alias?: string }[]).map((c) => (c.alias ? `${type}.${c.alias}` : type)),
      ),
    ]);
  };
  /** Every change of a plan but no-ops, as "actions address". */
  const changesOf = (changes: readonly PlannedChange[]) =>
    changes
      .filter((c) => c.change.actions.join() !== "no-op")
      .map((c) => `${c.change.actions.join()} ${c.address}`);

  /** What the local Hetzner API holds by name: servers, primary IPs, firewalls, the zone's records. */
  const inTheCloud = async (hostName: string) => {
    const names = async (kind: string, key = kind) =>
      ((await api.get(`${api.endpoint}/${kind}?per_page=50`))[key] as { name: string }[]).map((o) => o.name);
    const all = [
      ...(await names("servers")),
      ...(await names("primary_ips")),
      ...(await names("firewalls")),
      ...(await names("zones/faalkaart.nl/rrsets", "rrsets")),
    ];
    return all.filter((name) => name.includes(hostName));
  };

  beforeAll(async () => {
    if (!ensureMirror().has("hcloud")) {
      throw new Error("the hcloud plugin is not in Terraform's local mirror: see docs/terraform.md");
    }
    fs.writeFileSync(
      path.join(root, "seed.json"),
      JSON.stringify({ zones: [{ name: "faalkaart.nl", rrsets: [] }] }),
    );
    api = await startApiProcess(["--seed", path.join(root, "seed.json")]);
  }, 60_000);

  afterAll(async () => {
    await api?.stop();
  });

  it("leaves every provider configuration that a removed host's resources name in the stack", () => {
    // Terraform plans a resource left in state with the provider configuration it was made with: one that
    // went with the host fails the plan ("Provider configuration not present"), so no edit could remove it.
    const remaining = configured(synthWorkerHosts(1));
    const missing = providersNamed(synthWorkerHosts(2), "scanners-2").filter(
      (named) => !remaining.has(named.slice(named.indexOf(": ") + 2)),
    );
    expect(missing).toEqual([]);
    const none = configured(synthWorkerHosts("no group"));
    expect(
      providersNamed(synthWorkerHosts(1), "scanners-1").filter(
        (n) => !none.has(n.slice(n.indexOf(": ") + 2)),
      ),
    ).toEqual([]);
  });

  it("removes the last host of a group when its count goes down: everything of it, and nothing else", async () => {
    small.write(synthWorkerHosts(2));
    small.apply();
    expect((await inTheCloud("scanners-2")).length).toBeGreaterThanOrEqual(5);
    small.write(synthWorkerHosts(1));
    const changes = changesOf(small.plan());
    const removed = changes.filter((c) => c.includes("scanners-2"));
    expect(removed.length).toBeGreaterThan(0);
    expect(removed.filter((c) => !c.startsWith("delete "))).toEqual([]);
    expect(removed).toEqual(
      expect.arrayContaining([expect.stringMatching(/^delete hcloud_server\.scanners-2_/)]),
    );
    // The rest only forgets the host: the main server's firewall and nftables, the endpoint's allowed
    // certificates and Prometheus's targets are updated in place, nothing is replaced or deleted.
    expect(changes.filter((c) => !c.includes("scanners-2") && !c.startsWith("update "))).toEqual([]);
    small.apply();
    expect(await inTheCloud("scanners-2")).toEqual([]);
    expect((await inTheCloud("scanners-1")).length).toBeGreaterThanOrEqual(5);
    expect(changesOf(small.plan())).toEqual([]);
  }, 300_000);

  it("removes every host of a deleted group, and the plan after it is clean", async () => {
    small.write(synthWorkerHosts("no group"));
    const changes = changesOf(small.plan());
    const removed = changes.filter((c) => c.includes("scanners-1"));
    expect(removed).toEqual(
      expect.arrayContaining([expect.stringMatching(/^delete hcloud_server\.scanners-1_/)]),
    );
    expect(removed.filter((c) => !c.startsWith("delete "))).toEqual([]);
    expect(changes.filter((c) => !c.includes("scanners-1") && !c.startsWith("update "))).toEqual([]);
    small.apply();
    expect(await inTheCloud("scanners")).toEqual([]);
    expect(changesOf(small.plan())).toEqual([]);
  }, 300_000);
});
