import { Resource } from "@cdktf/provider-null/lib/resource";
import { DataResource, Fn, Testing, TerraformStack, Token, type ITerraformDependable } from "cdktf";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { FailmapContainer } from "../../constructs/app/failmap-container";
import type { Host } from "../../constructs/host/host";
import { HostFiles } from "../../constructs/host/host-files";
import { freezeImageLookups } from "../../constructs/host/image-lookup";
import { PinnedImage } from "../../constructs/host/pinned-image";
import { ServerTypeChange } from "../../constructs/host/server-type-change";
import { STOP_SERVICES_ON_SERVER } from "../../constructs/host/type-change-scripts";
import { SshHost } from "../../constructs/host/ssh-host";
import { Certificates } from "../../constructs/tls/certificates";
import type { TerraformJson } from "../../ops/terraform/projection";
import { configureProviders } from "../../stacks/providers";
import { applyStackPolicy } from "../../stacks/stack-policy";
import { loadExample } from "../support/organisations";
import { SmallStack, type ApplyEvent, type PlannedChange } from "./small-stack";
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

const actionsOf = (changes: readonly PlannedChange[], address: string): string =>
  changes.find((c) => c.address === address)?.change.actions.join(",") ?? "no change planned";

describe("changing the ACME e-mail, or a certificate's names", () => {
  const small = new SmallStack(() => root, "acme");
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
  const small = new SmallStack(() => root, "machine");
  const synthHost = (bundle: string) => {
    const stack = new TerraformStack(Testing.app(), "machine");
    configureProviders(stack, { hcloud: false });
    // The organisation stack's policy ties every docker resource to its host's machine and bootstrap.
    applyStackPolicy(stack, "faalkaart");
    const host = new StandInHost(stack);
    const bootstrap = new Resource(stack, "bootstrap", { triggers: { machine: host.machineId, bundle } });
    host.markReady(bootstrap);
    const image = new PinnedImage(stack, "image", { host, reference: "redis:7" });
    new FailmapContainer(stack, "broker", {
      host,
      identity: { instance: "production", role: "broker" },
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
    const before = new SmallStack(() => root, "machine-upgrade");
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
  // An ssh that only logs its arguments and input: the step's script runs for real, against no server.
  const bin = () => path.join(root, "bin");
  const sshLog = () => path.join(root, "ssh.log");
  const small = new SmallStack(() => root, "type-change", {
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
    // Its arguments, then what it is given to run on the server.
    fs.writeFileSync(path.join(bin(), "ssh"), `#!/bin/sh\necho "$@" >>${sshLog()}\ncat >>${sshLog()}\n`, {
      mode: 0o755,
    });
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
    // The server's part arrives as written: Terraform's templates have left its ${...} alone.
    expect(fs.readFileSync(sshLog(), "utf8")).toContain(
      `deploy@203.0.113.7 sudo sh -s\n${STOP_SERVICES_ON_SERVER}\n`,
    );
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
    applyStackPolicy(stack, "faalkaart");
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
    const small = new SmallStack(() => root, "image");
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
