import fs from "node:fs";
import path from "node:path";
import { Testing, type TerraformStack } from "cdktf";
import { prepareStack, terraformEnv, type StackCheck } from "../../ops/terraform/check-stack";
import { failure, runTerraform } from "../../ops/state/terraform";
import type { TerraformJson } from "../../ops/terraform/projection";

/** Planned by their real plugins: tls and random compute locally; every other provider talks to a server. */
export const REAL_PLUGINS: ReadonlySet<string> = new Set(["tls", "random"]);

export interface ApplyEvent {
  readonly type: string;
  readonly address: string;
}

export interface PlannedChange {
  readonly address: string;
  readonly type: string;
  readonly change: { readonly actions: readonly string[] };
  readonly action_reason?: string;
}

/** A folder holding one small stack's projection and its local state, synthesized again for each edit. */
export class SmallStack {
  private check?: StackCheck;

  constructor(
    /** The folder the stacks live in (set in a beforeAll, hence a function). */
    private readonly root: () => string,
    private readonly name: string,
    private readonly env: NodeJS.ProcessEnv = {},
    private readonly plugins: ReadonlySet<string> = REAL_PLUGINS,
  ) {}

  /** Writes the stack as it is now into the folder, keeping the state that is there. */
  write(stack: TerraformStack, adjust: (json: TerraformJson) => TerraformJson = (json) => json): void {
    const synthDir = path.join(this.root(), `${this.name}-synth`);
    fs.mkdirSync(synthDir, { recursive: true });
    fs.writeFileSync(path.join(synthDir, "cdk.tf.json"), Testing.synth(stack));
    const projected = prepareStack(
      synthDir,
      path.join(this.root(), `${this.name}-projection`),
      this.plugins,
      (json) => adjust(local(json)),
    );
    const workdir = path.join(this.root(), this.name);
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
    return JSON.parse(
      fs.readFileSync(path.join(this.root(), this.name, "cdk.tf.json"), "utf8"),
    ) as TerraformJson;
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
