import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import { parseDocument } from "yaml";
import { readDirectory } from "../../rehearsal/s3/directory";
import { STATE_BUCKET } from "../../rehearsal/rehearse/local-cloud";
import type { Rehearsal } from "../../rehearsal/rehearse/rehearse";

/*
 * What the fault cases do to the local cloud and the organisation file, as a user or the cloud itself would:
 * the Hetzner API's console and outages, the state bucket's lock object, an edit of the file, and a metadata
 * service at 169.254.169.254 for the servers to be kept from.
 */

/** A call to the local Hetzner API, as Hetzner's console or the hcloud CLI would make it. */
export async function hetzner(rehearsal: Rehearsal, method: string, path: string, body?: unknown) {
  const cloud = rehearsal.cloud();
  const response = await fetch(`${cloud.hcloudEndpoint}${path}`, {
    method,
    headers: { Authorization: `Bearer ${cloud.hcloudToken}`, "Content-Type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, body: (text ? JSON.parse(text) : {}) as Record<string, any> };
}

/** The organisation's one server as the API shows it: id, IPv4 address. */
export async function theServer(rehearsal: Rehearsal): Promise<{ id: number; ipv4: string }> {
  const { body } = await hetzner(rehearsal, "GET", "/servers");
  const [server] = body.servers as { id: number; public_net: { ipv4: { ip: string } } }[];
  if (!server) throw new Error("the local Hetzner API has no server");
  return { id: server.id, ipv4: server.public_net.ipv4.ip };
}

/** The lock object Terraform's S3 backend writes next to the state (use_lockfile), parsed; undefined when free. */
export function stateLock(rehearsal: Rehearsal): { ID: string; Who: string; Operation: string } | undefined {
  const key = `failmap/${rehearsal.organisation}.tfstate.tflock`;
  const lock = readDirectory(rehearsal.files.stateObjects(), STATE_BUCKET).get(key);
  return lock
    ? (JSON.parse(lock.body.toString("utf8")) as { ID: string; Who: string; Operation: string })
    : undefined;
}

/** Edits the rehearsal's copy of the organisation file, as an operator edits theirs before a deploy. */
export function editOrganisation(
  rehearsal: Rehearsal,
  edit: (doc: ReturnType<typeof parseDocument>) => void,
) {
  const file = rehearsal.files.organisationFile();
  const doc = parseDocument(fs.readFileSync(file, "utf8"));
  edit(doc);
  fs.writeFileSync(file, doc.toString());
}

/**
 * A metadata service at 169.254.169.254 as a cloud's servers reach it: over their network, through a router
 * (here a namespace of the rehearsal network holding the address, with a route on the server to it), answering
 * HTTP on port 80. The rehearsal's servers get their user data from a NoCloud seed instead, so without it
 * nothing would answer there and a check that containers cannot reach it could not fail.
 */
export class MetadataService {
  private server?: ChildProcess;
  private readonly namespace: string;
  private readonly router: string;

  constructor(private readonly rehearsal: Rehearsal) {
    const network = rehearsal.network;
    this.namespace = network.namespace("md");
    // The last usable address of the rehearsal network: the API hands servers the first ones.
    this.router = network.gateway4.address.replace(/\.\d+\.\d+$/, ".255.253");
  }

  /** Up, and routed from the server `namespace` (a machine's network namespace). */
  async start(serverNamespace: string): Promise<void> {
    const network = this.rehearsal.network;
    network.attach(this.namespace, this.router, network.gateway6.address.replace(/::1$/, ":ffff::fd"));
    ip("-n", this.namespace, "addr", "replace", "169.254.169.254/32", "dev", "lo");
    ip("-n", serverNamespace, "route", "replace", "169.254.169.254/32", "via", this.router);
    const script = `require("http").createServer((q, r) => r.end("instance-id: rehearsal\\n")).listen(80, "169.254.169.254", () => console.log("listening"))`;
    this.server = spawn("ip", ["netns", "exec", this.namespace, process.execPath, "-e", script], {
      stdio: ["ignore", "pipe", "inherit"],
    });
    await new Promise<void>((resolve, reject) => {
      this.server!.stdout!.once("data", () => resolve());
      this.server!.once("exit", (code) => reject(new Error(`the metadata stand-in exited (${code})`)));
    });
  }

  stop(): void {
    this.server?.kill();
    this.rehearsal.network.detach(this.namespace);
  }
}

function ip(...args: string[]): void {
  const result = spawnSync("ip", args, { encoding: "utf8" });
  if (result.status !== 0) throw new Error(`ip ${args.join(" ")}: ${result.stderr}`);
}
