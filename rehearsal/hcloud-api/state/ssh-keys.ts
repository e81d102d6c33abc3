import crypto from "node:crypto";
import { ApiError, FieldErrors } from "./errors";
import { checkLabels, type Labels } from "./labels";
import { Records, requireName, type StoreContext } from "./store";

/** An SSH key as hcloud-go's `schema.SSHKey` has it. */
export interface SshKey {
  readonly id: number;
  name: string;
  readonly fingerprint: string;
  readonly public_key: string;
  labels: Labels;
  readonly created: string;
}

export interface SshKeyInput {
  readonly name?: unknown;
  readonly public_key?: unknown;
  readonly labels?: unknown;
}

/**
 * The project's SSH keys. Like Hetzner, it refuses a second key with the same name or with the same
 * fingerprint (`uniqueness_error`): uploading one operator key twice to one project fails.
 */
export class SshKeys {
  readonly records = new Records<SshKey>("SSH key");

  constructor(private readonly context: StoreContext) {}

  create(input: SshKeyInput): SshKey {
    const errors = new FieldErrors();
    const name = requireName(input.name, errors);
    const labels = checkLabels(input.labels, errors);
    // Kept exactly as sent: Terraform compares it with the configuration, trailing newline included.
    const publicKey = typeof input.public_key === "string" ? input.public_key : "";
    const fingerprint = fingerprintOf(publicKey);
    if (!fingerprint) errors.add("public_key", "invalid public key");
    errors.throwIfAny();

    this.records.requireUniqueName(name, "SSH key name is already used");
    if (this.records.all().some((key) => key.fingerprint === fingerprint)) {
      throw new ApiError("uniqueness_error", "SSH key not unique");
    }
    const key = this.records.add({
      id: this.context.nextId(),
      name,
      fingerprint: fingerprint!,
      public_key: publicKey,
      labels,
      created: this.context.now(),
    });
    this.context.changed();
    return key;
  }

  update(id: number, input: { name?: unknown; labels?: unknown }): SshKey {
    const key = this.records.update(id, input, "SSH key name is already used");
    this.context.changed();
    return key;
  }

  delete(id: number): void {
    this.records.get(id);
    this.records.delete(id);
    this.context.changed();
  }

  list(filter: { name?: string; labelSelector?: string; fingerprint?: string }): SshKey[] {
    return this.records
      .list(filter)
      .filter((key) => filter.fingerprint === undefined || key.fingerprint === filter.fingerprint);
  }
}

/** The MD5 fingerprint Hetzner reports (`aa:bb:…`), or undefined when the text is no OpenSSH public key. */
export function fingerprintOf(publicKey: string): string | undefined {
  const [type, base64] = publicKey.trim().split(/\s+/);
  if (!type || !base64 || !/^[A-Za-z0-9+/]+={0,2}$/.test(base64)) return undefined;
  const blob = Buffer.from(base64, "base64");
  // The blob starts with the key type as an SSH string: a 4-byte length, then the name.
  if (blob.length < 4) return undefined;
  const length = blob.readUInt32BE(0);
  if (blob.subarray(4, 4 + length).toString("latin1") !== type) return undefined;
  const digest = crypto.createHash("md5").update(blob).digest("hex");
  return digest.match(/../g)!.join(":");
}
