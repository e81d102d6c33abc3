/*
 * What an OpenSSH public key line holds, read from its base64 blob (RFC 4253 §6.6, RFC 5656, PROTOCOL.u2f):
 * length-prefixed fields, the first of which repeats the key type. Reading the fields catches keys that look
 * right but cannot work or are too weak: a truncated paste, a 2-byte ed25519 body, a 1024-bit RSA key.
 */

/** NIST's and the BSI's floor for RSA keys in use past 2030 (NIST SP 800-57 part 1, table 2). */
export const MIN_RSA_BITS = 3072;

const ED25519_KEY_BYTES = 32;
/** An uncompressed EC point: 0x04, then X and Y of the curve's size. */
const EC_POINT_BYTES: Readonly<Record<string, number>> = { nistp256: 65, nistp384: 97, nistp521: 133 };

const REGENERATE = "make a new key with ssh-keygen -t ed25519 and paste its .pub line";

/** Reads the length-prefixed fields of an SSH wire-format blob; undefined when they do not fit exactly. */
function fields(blob: Buffer): Buffer[] | undefined {
  const out: Buffer[] = [];
  let at = 0;
  while (at < blob.length) {
    if (at + 4 > blob.length) return undefined;
    const length = blob.readUInt32BE(at);
    if (at + 4 + length > blob.length) return undefined;
    out.push(blob.subarray(at + 4, at + 4 + length));
    at += 4 + length;
  }
  return out;
}

/** The size in bits of an SSH mpint (big-endian, possibly with a leading zero byte). */
function bitLength(mpint: Buffer): number {
  const first = mpint.findIndex((b) => b !== 0);
  if (first < 0) return 0;
  return (mpint.length - first - 1) * 8 + (32 - Math.clz32(mpint[first]));
}

/**
 * Why `line` ("<type> <base64> [comment]", its format already checked) is not a usable key, or undefined.
 * The message says what the key is and what to do instead.
 */
export function sshKeyProblem(line: string): string | undefined {
  const [type, base64] = line.trim().split(/\s+/);
  const parts = fields(Buffer.from(base64, "base64"));
  if (!parts || parts[0]?.toString("latin1") !== type) {
    return `is not an OpenSSH public key: its body does not start with '${type}' (a truncated or mixed-up paste?); copy the whole line from the .pub file`;
  }
  const body = parts.slice(1);
  switch (type) {
    case "ssh-ed25519":
    case "sk-ssh-ed25519@openssh.com":
      if (body[0]?.length !== ED25519_KEY_BYTES || body.length !== (type === "ssh-ed25519" ? 1 : 2)) {
        return `is not a valid ${type} key: its key is ${body[0]?.length ?? 0} bytes, an ed25519 key is ${ED25519_KEY_BYTES}; copy the full line from the .pub file`;
      }
      return undefined;
    case "ssh-rsa": {
      const bits = body.length === 2 ? bitLength(body[1]) : 0;
      if (bits < MIN_RSA_BITS) {
        return `is a ${bits}-bit RSA key; RSA keys need at least ${MIN_RSA_BITS} bits: ${REGENERATE} (or ssh-keygen -t rsa -b 4096)`;
      }
      return undefined;
    }
    default: {
      // ecdsa-sha2-nistpNNN: the curve name, then the point.
      const curve = type.replace("ecdsa-sha2-", "");
      if (
        body.length !== 2 ||
        body[0].toString("latin1") !== curve ||
        body[1].length !== EC_POINT_BYTES[curve]
      ) {
        return `is not a valid ${type} key (wrong curve or point size); copy the full line from the .pub file`;
      }
      return undefined;
    }
  }
}

/** A key line's type and key, without its comment: what ssh compares. */
export const keyWithoutComment = (line: string): string => line.trim().split(/\s+/).slice(0, 2).join(" ");
