import { TerraformElement, TerraformLocal, type TerraformResource } from "cdktf";
import { Construct } from "constructs";
import { DataHcloudSshKeys } from "../../.gen/providers/hcloud/data-hcloud-ssh-keys";
import { SshKey } from "../../.gen/providers/hcloud/ssh-key";
import { terraformLiteral } from "./terraform-literal";

export interface OperatorKey {
  /** Unique within the organisation, e.g. johan or johan-2. */
  readonly name: string;
  readonly publicKey: string;
}

export interface HetznerProjectKeysProps {
  /** Prefix of the key names: Hetzner names are unique per project, and projects may hold several organisations. */
  readonly organisation: string;
  readonly keys: readonly OperatorKey[];
}

/**
 * The operators' public keys as Hetzner project keys, once per organisation: Hetzner refuses a second key
 * with the same fingerprint (`uniqueness_error`), so every server of the organisation shares these.
 *
 * A key this stack made but never recorded is adopted by the next plan: an apply killed after Hetzner made
 * the key and before Terraform wrote its state leaves it in Hetzner only, and making it again would fail on
 * its name and fingerprint (`uniqueness_error`) until someone imported it by hand.
 */
export class HetznerProjectKeys extends Construct {
  readonly keys: readonly OperatorKey[];
  /** The hcloud_ssh_key ids, for a server's ssh_keys. */
  readonly ids: readonly string[];

  constructor(scope: Construct, id: string, props: HetznerProjectKeysProps) {
    super(scope, id);
    this.keys = props.keys;
    const labels = { organisation: props.organisation, "managed-by": "cdktf" };
    // Upper case: no operator's key (a Unix user name) is called so.
    const made = new DataHcloudSshKeys(this, "MadeByThisStack", {
      withSelector: Object.entries(labels)
        .map(([label, value]) => `${label}=${value}`)
        .join(","),
    });
    this.ids = props.keys.map((key) => {
      const name = `${props.organisation}-${key.name}`;
      const sshKey = new SshKey(this, key.name, { name, publicKey: key.publicKey, labels });
      new AdoptByName(sshKey, "adopt", { resource: sshKey, name, candidates: made });
      return sshKey.id;
    });
  }
}

interface AdoptByNameProps {
  readonly resource: TerraformResource;
  /** The Hetzner name it would have: text from the organisation file, so it reaches Terraform as a value. */
  readonly name: string;
  /** A data source listing what may be adopted, with `id` and `name` for each (hcloud_ssh_keys' ssh_keys). */
  readonly candidates: DataHcloudSshKeys;
}

/**
 * An import block for the candidate that bears the resource's name, when there is one: Terraform imports it
 * when the resource is not in state, and ignores the block when it is, so the plan stays clean either way.
 */
class AdoptByName extends TerraformElement {
  constructor(
    scope: Construct,
    id: string,
    private readonly props: AdoptByNameProps,
  ) {
    super(scope, id);
    this.nameValue = new TerraformLocal(this, "name", terraformLiteral(props.name));
  }

  private readonly nameValue: TerraformLocal;

  toTerraform(): Record<string, unknown> {
    const { resource, candidates } = this.props;
    const list = `data.${candidates.terraformResourceType}.${candidates.friendlyUniqueId}.ssh_keys`;
    return {
      import: [
        {
          for_each: `\${toset([for k in ${list} : tostring(k.id) if k.name == local.${this.nameValue.friendlyUniqueId}])}`,
          to: `${resource.terraformResourceType}.${resource.friendlyUniqueId}`,
          id: "${each.value}",
        },
      ],
    };
  }
}
