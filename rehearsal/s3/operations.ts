import { noSuchBucket, notImplemented, type S3Error } from "./errors";
import { newObject, type ObjectStore, type StoredObject } from "./objects";
import { decodeAwsChunked, isAwsChunked } from "./aws-chunked";
import { verifyChecksums } from "./checksums";
import { byteRange } from "./range";
import { errorDocument, listObjectsV2Document } from "./xml";

export interface S3Request {
  readonly method: string;
  readonly bucket: string;
  /** Undefined for bucket-level calls (`/<bucket>`). */
  readonly key?: string;
  readonly query: URLSearchParams;
  readonly headers: Readonly<Record<string, string | undefined>>;
  readonly body: Buffer;
}

export interface S3Reply {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly body: string | Buffer;
  /** The S3 error code of a refused request, for the request log (a HEAD answer has no body to carry it). */
  readonly errorCode?: string;
}

/** The AWS SDK for Go v2 names the operation in `x-id`; it selects nothing. */
const IGNORED_QUERY = new Set(["x-id"]);
/** What Terraform's workspace listing sends (and the SDK's paginator after a truncated page). */
const LIST_QUERY = new Set([
  "list-type",
  "prefix",
  "max-keys",
  "continuation-token",
]); /** Headers that ask for behaviour this server lacks: refused rather than silently ignored. */
const UNSUPPORTED_READ_HEADERS = ["if-match", "if-none-match", "if-modified-since", "if-unmodified-since"];

function reply(status: number, headers: Record<string, string> = {}, body: string | Buffer = ""): S3Reply {
  return { status, headers, body };
}

function xml(status: number, document: string): S3Reply {
  return reply(status, { "Content-Type": "application/xml" }, document);
}

export function errorReply(error: S3Error, method: string, requestId: string): S3Reply {
  // Answers to HEAD have no body, so the SDK sees only the status (a 404 becomes "NotFound").
  const answer = method === "HEAD" ? reply(error.status) : xml(error.status, errorDocument(error, requestId));
  return { ...answer, errorCode: error.code };
}

function refuseQuery(request: S3Request, allowed: ReadonlySet<string>): void {
  for (const name of request.query.keys()) {
    if (!IGNORED_QUERY.has(name) && !allowed.has(name)) {
      throw notImplemented(
        `${request.method} ?${name} on ${request.key === undefined ? "a bucket" : "an object"}`,
      );
    }
  }
}

function objectHeaders(object: StoredObject): Record<string, string> {
  return {
    "Content-Type": object.contentType,
    ETag: object.etag,
    "Last-Modified": object.lastModified.toUTCString(),
    "Accept-Ranges": "bytes",
    ...encryptionHeader(object),
  };
}

function encryptionHeader(object: StoredObject): Record<string, string> {
  return object.serverSideEncryption ? { "x-amz-server-side-encryption": object.serverSideEncryption } : {};
}

/** Answers one path-style S3 call: the handful Terraform's S3 backend makes (see server.ts). */
export function handle(request: S3Request, store: ObjectStore): S3Reply {
  if (request.key === undefined) return bucketCall(request, store);
  refuseQuery(request, new Set());
  return objectCall(request, request.key, store);
}

function bucketCall(request: S3Request, store: ObjectStore): S3Reply {
  if (!store.hasBucket(request.bucket)) throw noSuchBucket(request.bucket);
  if (request.method === "HEAD") {
    refuseQuery(request, new Set());
    return reply(200, { "x-amz-bucket-region": "us-east-1" });
  }
  if (request.method === "GET" && request.query.get("list-type") === "2") {
    refuseQuery(request, LIST_QUERY);
    return listObjectsV2(request, store);
  }
  throw notImplemented(`${request.method} on a bucket with ?${request.query.toString()}`);
}

function listObjectsV2(request: S3Request, store: ObjectStore): S3Reply {
  const { query } = request;
  const maxKeys = Math.min(Math.max(Number(query.get("max-keys") ?? 1000) || 0, 0), 1000);
  const continuationToken = query.get("continuation-token") ?? undefined;
  const prefix = query.get("prefix") ?? "";
  const listing = store.list(request.bucket, {
    prefix,
    maxKeys,
    after: continuationToken && Buffer.from(continuationToken, "base64url").toString(),
  });
  const next = listing.truncatedAfter && Buffer.from(listing.truncatedAfter).toString("base64url");
  return xml(
    200,
    listObjectsV2Document({
      bucket: request.bucket,
      prefix,
      maxKeys,
      continuationToken,
      nextContinuationToken: next,
      contents: listing.contents,
    }),
  );
}

function objectCall(request: S3Request, key: string, store: ObjectStore): S3Reply {
  const { headers } = request;
  switch (request.method) {
    case "GET":
    case "HEAD": {
      for (const name of UNSUPPORTED_READ_HEADERS)
        if (headers[name] !== undefined) throw notImplemented(name);
      const object = store.get(request.bucket, key);
      const range = headers.range === undefined ? undefined : byteRange(headers.range, object.body.length);
      const body = range ? object.body.subarray(range.start, range.end + 1) : object.body;
      // S3 gives the whole object's checksums only with the whole object.
      const checksums = headers["x-amz-checksum-mode"] === "ENABLED" && !range ? object.checksums : {};
      const rangeHeaders = range
        ? { "Content-Range": `bytes ${range.start}-${range.end}/${object.body.length}` }
        : undefined;
      return reply(
        range ? 206 : 200,
        { ...objectHeaders(object), ...checksums, ...rangeHeaders, "Content-Length": String(body.length) },
        request.method === "GET" ? body : "",
      );
    }
    case "PUT": {
      const upload = isAwsChunked(headers)
        ? decodeAwsChunked(request.body, headers["x-amz-decoded-content-length"])
        : { body: request.body, trailers: {} };
      const object = newObject(upload.body, {
        contentType: headers["content-type"] ?? "binary/octet-stream",
        serverSideEncryption: headers["x-amz-server-side-encryption"],
        checksums: verifyChecksums(upload.body, { ...headers, ...upload.trailers }),
      });
      store.put(request.bucket, key, object, {
        ifNoneMatch: headers["if-none-match"],
        ifMatch: headers["if-match"],
      });
      return reply(200, { ETag: object.etag, ...encryptionHeader(object) });
    }
    case "DELETE":
      store.delete(request.bucket, key);
      return reply(204);
    default:
      throw notImplemented(`${request.method} on an object`);
  }
}
