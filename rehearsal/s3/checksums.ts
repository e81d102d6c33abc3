import { createHash } from "node:crypto";
import zlib from "node:zlib";
import { S3Error, notImplemented } from "./errors";

/** The checksums S3 computes itself, by header name, each in base64 as sent. */
const ALGORITHMS: Readonly<Record<string, (body: Buffer) => string>> = {
  "content-md5": (body) => createHash("md5").update(body).digest("base64"),
  "x-amz-checksum-crc32": (body) => {
    const digest = Buffer.alloc(4);
    digest.writeUInt32BE(zlib.crc32(body));
    return digest.toString("base64");
  },
  "x-amz-checksum-sha1": (body) => createHash("sha1").update(body).digest("base64"),
  "x-amz-checksum-sha256": (body) => createHash("sha256").update(body).digest("base64"),
};
const CHECKSUM_HEADER = /^x-amz-checksum-(crc32|crc32c|crc64nvme|sha1|sha256)$/;

/**
 * Checks every checksum a PutObject carries (in its headers or in aws-chunked trailers) against the body, as
 * S3 does, and returns the x-amz-checksum-* ones to store: GetObject hands them back when the client asks
 * (`x-amz-checksum-mode: ENABLED`), and the SDK then checks what it read.
 */
export function verifyChecksums(
  body: Buffer,
  fields: Readonly<Record<string, string | undefined>>,
): Record<string, string> {
  const kept: Record<string, string> = {};
  for (const [name, sent] of Object.entries(fields)) {
    if (sent === undefined || !(name === "content-md5" || CHECKSUM_HEADER.test(name))) continue;
    const compute = ALGORITHMS[name];
    if (!compute) throw notImplemented(`${name} (this local S3 checks CRC32, SHA-1, SHA-256 and MD5)`);
    if (compute(body) !== sent) {
      throw new S3Error(400, "BadDigest", `The ${name} you specified did not match the calculated checksum.`);
    }
    if (name !== "content-md5") kept[name] = sent;
  }
  return kept;
}
