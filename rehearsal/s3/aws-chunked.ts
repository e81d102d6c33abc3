import { S3Error } from "./errors";

export interface Upload {
  readonly body: Buffer;
  /** Trailing headers after the last chunk, e.g. `x-amz-checksum-crc32`. */
  readonly trailers: Readonly<Record<string, string>>;
}

function incomplete(why: string): S3Error {
  return new S3Error(400, "IncompleteBody", `The aws-chunked body is malformed: ${why}`);
}

export function isAwsChunked(headers: Readonly<Record<string, string | undefined>>): boolean {
  return Boolean(
    headers["content-encoding"]?.split(",").some((coding) => coding.trim() === "aws-chunked") ||
    headers["x-amz-content-sha256"]?.startsWith("STREAMING-"),
  );
}

/**
 * Unwraps an `aws-chunked` body: `<hex size>[;chunk-signature=…]\r\n<bytes>\r\n`… then `0\r\n`, trailers and a
 * blank line. The AWS SDK for Go v2 sends Terraform's lock file this way, with a CRC32 trailer, even when the
 * backend sets skip_s3_checksum. Chunk signatures are not checked (the request's own signature is).
 */
export function decodeAwsChunked(raw: Buffer, decodedLength: string | undefined): Upload {
  const chunks: Buffer[] = [];
  let at = 0;
  const line = () => {
    const end = raw.indexOf("\r\n", at);
    if (end < 0) throw incomplete("a line does not end in CRLF");
    const text = raw.subarray(at, end).toString("latin1");
    at = end + 2;
    return text;
  };
  for (;;) {
    const sizeText = line().split(";")[0];
    const size = Number.parseInt(sizeText, 16);
    if (!/^[0-9a-fA-F]+$/.test(sizeText) || at + size > raw.length)
      throw incomplete(`bad chunk size ${sizeText}`);
    if (size === 0) break;
    chunks.push(raw.subarray(at, at + size));
    at += size;
    if (line() !== "") throw incomplete("a chunk is longer than its size");
  }
  const trailers: Record<string, string> = {};
  while (at < raw.length) {
    const trailer = line();
    if (trailer === "") break;
    const colon = trailer.indexOf(":");
    if (colon < 0) throw incomplete(`bad trailer ${trailer}`);
    trailers[trailer.slice(0, colon).trim().toLowerCase()] = trailer.slice(colon + 1).trim();
  }
  const body = Buffer.concat(chunks);
  if (decodedLength !== undefined && Number(decodedLength) !== body.length) {
    throw incomplete(
      `x-amz-decoded-content-length is ${decodedLength}, the chunks hold ${body.length} bytes`,
    );
  }
  return { body, trailers };
}
