import { S3Error, notImplemented } from "./errors";

/** An inclusive byte range of an object. */
export interface ByteRange {
  readonly start: number;
  readonly end: number;
}

/**
 * The part of an object of `size` bytes that a `Range` header asks for: `bytes=a-b`, `bytes=a-` or
 * `bytes=-n`. Terraform's S3 backend reads the state through the SDK's downloader, which always asks for
 * `bytes=0-5242879`. A header that is no byte range is ignored, as HTTP says; the whole object is the answer.
 */
export function byteRange(header: string, size: number): ByteRange | undefined {
  if (header.includes(",")) throw notImplemented("Range with several ranges");
  const m = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!m || (m[1] === "" && m[2] === "")) return undefined;
  const [start, end] =
    m[1] === ""
      ? [Math.max(size - Number(m[2]), 0), size - 1]
      : [Number(m[1]), Math.min(Number(m[2] || size - 1), size - 1)];
  if (start >= size || start > end) {
    throw new S3Error(416, "InvalidRange", "The requested range is not satisfiable", {
      RangeRequested: header,
      ActualObjectSize: String(size),
    });
  }
  return { start, end };
}
