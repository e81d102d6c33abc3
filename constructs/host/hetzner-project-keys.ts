import { Construct } from "constructs";
import { SshKey } from "../../.gen/providers/hcloud/ssh-key";

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
 */
export class HetznerProjectKeys extends Construct {
  readonly keys: readonly OperatorKey[];
  /** The hcloud_ssh_key ids, for a server's ssh_keys. */
  readonly ids: readonly string[];

  constructor(scope: Construct, id: string, props: HetznerProjectKeysProps) {
    super(scope, id);
    this.keys = props.keys;
    this.ids = props.keys.map(
      (key) =>
        new SshKey(this, key.name, {
          name: `${props.organisation}-${key.name}`,
          publicKey: key.publicKey,
          labels: { organisation: props.organisation, "managed-by": "cdktf" },
        }).id,
    );
  }
}
