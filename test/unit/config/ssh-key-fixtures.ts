import crypto from "node:crypto";

/*
 * OpenSSH public key lines built field by field (RFC 4253 §6.6), for keys that look right but are not:
 * too short, too weak, or of another type than they say.
 */

const field = (bytes: Buffer | string) => {
  const body = Buffer.from(bytes);
  const length = Buffer.alloc(4);
  length.writeUInt32BE(body.length);
  return Buffer.concat([length, body]);
};

/** An SSH mpint: big-endian, with a zero byte in front when the top bit is set. */
const mpint = (base64url: string) => {
  const bytes = Buffer.from(base64url, "base64url");
  return field(bytes[0] & 0x80 ? Buffer.concat([Buffer.from([0]), bytes]) : bytes);
};

export function keyLine(type: string, ...fields: (Buffer | string)[]): string {
  return `${type} ${Buffer.concat([field(type), ...fields.map(field)]).toString("base64")} test@fixture`;
}

/** A real RSA public key of `bits` bits. */
export function rsaKey(bits: number): string {
  const { publicKey } = crypto.generateKeyPairSync("rsa", { modulusLength: bits });
  const { e, n } = publicKey.export({ format: "jwk" });
  const blob = Buffer.concat([field("ssh-rsa"), mpint(e!), mpint(n!)]);
  return `ssh-rsa ${blob.toString("base64")} test@fixture`;
}
