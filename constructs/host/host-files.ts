import { Resource } from "@cdktf/provider-null/lib/resource";
import { Lazy, type IResolveContext, type ITerraformDependable } from "cdktf";
import { createHash } from "node:crypto";
import { Construct } from "constructs";
import type { Host } from "./host";
import { interpolations } from "./interpolations";
import { terraformLiteral } from "./terraform-literal";
import { mayHoldToken } from "./token-text";

export interface HostFile {
  /** Absolute destination path on the host. */
  readonly path: string;
  /** The text; may hold tokens (certificates, rendered passwords), resolved by Terraform at apply. */
  readonly content: string;
  /**
   * Octal mode; use 0600 for keys and secrets.
   * @default "0644"
   */
  readonly mode?: string;
  /**
   * owner:group.
   * @default "root:root"
   */
  readonly owner?: string;
}

export interface HostFilesProps {
  readonly host: Host;
  readonly files: readonly HostFile[];
  /**
   * Shell commands run as root after the files are in place, e.g. a config test and a reload.
   * @default - none
   */
  readonly then?: readonly string[];
  /**
   * What must exist before the files are placed, besides the host answering by name.
   * @default - only host.reachable
   */
  readonly dependsOn?: readonly ITerraformDependable[];
}

/**
 * Places files on a host over SSH and runs follow-up commands, again only when a file's content changes.
 * Uploads land in a private (0700) directory of the deploy user and are moved into place by `install`,
 * so a secret is never readable by others, not even for a moment.
 */
export class HostFiles extends Construct {
  readonly resource: Resource;

  constructor(scope: Construct, id: string, props: HostFilesProps) {
    super(scope, id);
    if (props.files.length === 0) throw new Error(`HostFiles ${this.node.path}: give at least one file`);
    const staging = `/home/${props.host.deployUser}/.failmap-upload/${this.node.addr}`;
    const connection = props.host.sshConnection();
    const staged = (i: number) => `${staging}/${i}`;
    const files = props.files.map((f) => ({ ...f, content: terraformLiteral(f.content) }));
    const then = (props.then ?? []).map(terraformLiteral);

    this.resource = new Resource(this, "files", {
      dependsOn: [props.host.reachable, ...(props.dependsOn ?? [])],
      triggers: { machine: props.host.machineId, ...contentTriggers(files), then: then.join("\n") },
      // Placing the new files is all there is to a replacement (a destroy does nothing), and it must not wait
      // for the destroy of every container that depends on them, as destroy-before-create makes it.
      lifecycle: { createBeforeDestroy: true },
      connection,
      provisioners: [
        { type: "remote-exec", inline: [`rm -rf ${staging} && mkdir -p -m 0700 ${staging}`] },
        ...files.map((f, i) => ({ type: "file" as const, content: f.content, destination: staged(i) })),
        {
          type: "remote-exec",
          inline: [
            "set -e",
            ...files.map((f, i) => {
              const [user, group = user] = (f.owner ?? "root:root").split(":");
              return `sudo install -D -m ${f.mode ?? "0644"} -o ${user} -g ${group} ${staged(i)} ${f.path}`;
            }),
            `rm -rf ${staging}`,
            ...then.map((command) => `sudo sh -c ${shellQuote(command)}`),
          ],
        },
      ],
    });
  }
}

export function shellQuote(text: string): string {
  return `'${text.replace(/'/g, `'"'"'`)}'`;
}

/**
 * Triggers show in plans and some files are secret, so they hold hashes, never content. They are worked out
 * at synth, once every layer has added to lazy text (the nftables ruleset gets its ports from the layers built
 * after bootstrap), from each file exactly as it will be written: the literal text is hashed here, and the
 * references in it (passwords, certificates), whose values only exist at apply, are hashed by Terraform.
 */
function contentTriggers(files: readonly HostFile[]): Record<string, string> {
  // Most files are literal text, which resolves to itself: only those that may hold a token go to cdktf.
  const resolved = (context: IResolveContext) =>
    files.map((f) => (mayHoldToken(f.content) ? { ...f, content: context.resolve(f.content) as string } : f));
  const content = Lazy.stringValue({
    produce: (context) => {
      const masked = resolved(context).map((f) => [f.path, f.mode, f.owner, maskInterpolations(f.content)]);
      return createHash("sha256").update(JSON.stringify(masked)).digest("hex");
    },
  });
  const references = Lazy.stringValue({
    produce: (context) => {
      const expressions = resolved(context).flatMap((f) =>
        interpolations(f.content).map((i) => i.expression),
      );
      return `\${sha256(join("\\n", [${expressions.join(", ")}]))}`;
    },
  });
  return { content, references };
}

function maskInterpolations(text: string): string {
  let masked = "";
  let at = 0;
  for (const i of interpolations(text)) {
    masked += `${text.slice(at, i.start)}\u0000`;
    at = i.end;
  }
  return masked + text.slice(at);
}
