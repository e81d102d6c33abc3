import { Resource } from "@cdktf/provider-null/lib/resource";
import { Fn, Token, Tokenization, type ITerraformDependable } from "cdktf";
import { createHash } from "node:crypto";
import { Construct } from "constructs";
import type { Host } from "./host";
import { terraformLiteral } from "./terraform-literal";

export interface HostFile {
  /** Absolute destination path on the host. */
  readonly path: string;
  /** The text; may hold tokens (certificates, rendered passwords), resolved by Terraform at apply. */
  readonly content: string;
  /** Octal mode. Default 0644; use 0600 for keys and secrets. */
  readonly mode?: string;
  /** owner:group. Default root:root. */
  readonly owner?: string;
}

export interface HostFilesProps {
  readonly host: Host;
  readonly files: readonly HostFile[];
  /** Shell commands run as root after the files are in place, e.g. a config test and a reload. */
  readonly then?: readonly string[];
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
 * Triggers show in plans and some files are secret, so they hold hashes, never content. The text is hashed
 * here; values only known at apply time (certificates, passwords) are hashed by Terraform. File text is
 * kept out of Terraform functions because cdktf mangles escaped `$${` inside them.
 */
function contentTriggers(files: readonly HostFile[]): Record<string, string> {
  const TOKEN = /\$\{TfToken\[[^\]]+\]\}/g;
  const text = JSON.stringify(
    files.map((f) => [f.path, f.mode, f.owner, f.content.replace(TOKEN, "\u0000")]),
  );
  const triggers: Record<string, string> = { content: createHash("sha256").update(text).digest("hex") };
  const references = files.flatMap((f) =>
    Tokenization.reverseString(f.content).tokens.map((t) => Token.asString(t)),
  );
  if (references.length > 0) triggers.references = Fn.sha256(Fn.join("\n", references));
  return triggers;
}
