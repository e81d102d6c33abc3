import http from "node:http";
import https from "node:https";
import { keepInDirectory } from "./directory";
import { S3Error } from "./errors";
import { ObjectStore } from "./objects";
import { errorReply, handle, type S3Reply } from "./operations";
import { verifySignature, type Credentials } from "./signature";
import { listeningAt, readBody } from "../http/server-basics";

/*
 * A local S3 for Terraform state that, unlike s3rver, honours conditional writes, so the s3 backend's
 * `use_lockfile` locking is enforced.
 *
 * The calls Terraform 1.11.4 made (AWS SDK for Go v2, path-style, backend block as stacks/backend-settings.ts
 * writes it: encrypt, use_lockfile, skip_s3_checksum), logged with `main.ts --log` for bucket `state` and key
 * `failmap/probe.tfstate`. Every request carried a SigV4 Authorization header.
 *
 *   init          GET    /state?list-type=2&max-keys=1000&prefix=env%3A%2F             ListObjectsV2 (workspaces)
 *                 HEAD   /state/failmap/probe.tfstate                                  HeadObject -> 404 on a new key
 *   lock          PUT    /state/failmap/probe.tfstate.tflock?x-id=PutObject            PutObject, the lock info JSON
 *                        If-None-Match: *, Content-Type: application/json, x-amz-server-side-encryption: AES256,
 *                        Content-Encoding: aws-chunked, x-amz-trailer: x-amz-checksum-crc32,
 *                        x-amz-decoded-content-length (aws-chunked despite skip_s3_checksum)
 *                        -> 412 PreconditionFailed while another lock exists; Terraform then reads the lock:
 *                 GET    /state/failmap/probe.tfstate.tflock?x-id=GetObject            x-amz-checksum-mode: ENABLED
 *   read state    HEAD   /state/failmap/probe.tfstate
 *                 GET    /state/failmap/probe.tfstate?x-id=GetObject                   Range: bytes=0-5242879,
 *                        x-amz-checksum-mode: ENABLED (the SDK's downloader: answered 206 with Content-Range)
 *   write state   PUT    /state/failmap/probe.tfstate?x-id=PutObject                   as the lock, no If-None-Match
 *   unlock        GET    /state/failmap/probe.tfstate.tflock?x-id=GetObject            compares the lock ID, then
 *                 DELETE /state/failmap/probe.tfstate.tflock?x-id=DeleteObject         -> 204
 *   force-unlock  GET + DELETE of the .tflock, as unlock
 *   workspace new PUT/HEAD/GET/DELETE as above under /state/env%3A/blue/failmap/probe.tfstate
 *   workspace delete  DELETE /state/env%3A/blue/failmap/probe.tfstate?x-id=DeleteObject
 *
 * Not seen: HeadBucket, GetBucketVersioning or any other bucket-level call, If-Match, Content-MD5. Terraform
 * 1.11.4 writes state without a condition; only the lock file is conditional.
 */

export interface S3ServerOptions {
  /** Buckets that exist from the start; any other bucket is NoSuchBucket. */
  readonly buckets: readonly string[];
  /**
   * Requests must be signed (SigV4) with this key pair: a wrong key id or secret is refused with 403.
   * @default no check: any request is served (tests of the protocol itself)
   */
  readonly credentials?: Credentials;
  /** PEM certificate and key: serve HTTPS. Without them the server speaks plain HTTP. */
  readonly tls?: { readonly cert: string | Buffer; readonly key: string | Buffer };
  /**
   * Keep the objects in this directory, so that a restart finds them again.
   * @default objects in memory only
   */
  readonly directory?: string;
  /** Called once per answered request, e.g. to log the calls a client makes. */
  readonly onRequest?: (record: RequestRecord) => void;
}

export interface RequestRecord {
  readonly method: string;
  /** The path and query as sent. */
  readonly url: string;
  readonly headers: http.IncomingHttpHeaders;
  readonly status: number;
  /** The S3 error code of a refused request. */
  readonly error?: string;
}

export interface S3Server {
  readonly server: http.Server;
  readonly store: ObjectStore;
  /** `https://127.0.0.1:<port>` once listening: the backend block's `endpoints.s3`. */
  endpoint(): string;
}

export function createS3Server(options: S3ServerOptions): S3Server {
  const store = new ObjectStore(options.buckets);
  if (options.directory) keepInDirectory(store, options.directory);
  let requestCount = 0;

  const listener: http.RequestListener = (request, response) => {
    const requestId = (++requestCount).toString(16).padStart(16, "0").toUpperCase();
    readBody(request)
      .then((body) => {
        try {
          if (options.credentials) verifySignature(request, body, options.credentials);
          return handle(parse(request, body), store);
        } catch (error) {
          if (error instanceof S3Error) return errorReply(error, request.method ?? "GET", requestId);
          throw error;
        }
      })
      .catch((error: unknown) => {
        const message = error instanceof Error ? error.message : String(error);
        return errorReply(new S3Error(500, "InternalError", message), request.method ?? "GET", requestId);
      })
      .then((reply) => send(response, reply, requestId, request.method === "HEAD"))
      .then((reply) => {
        options.onRequest?.({
          method: request.method ?? "",
          url: request.url ?? "",
          headers: request.headers,
          status: reply.status,
          error: reply.errorCode,
        });
      });
  };
  const server = options.tls
    ? https.createServer({ cert: options.tls.cert, key: options.tls.key }, listener)
    : http.createServer(listener);

  return {
    server,
    store,
    endpoint() {
      return `${options.tls ? "https" : "http"}://${listeningAt(server, "the local S3")}`;
    },
  };
}

/** Path-style addressing: `/<bucket>` or `/<bucket>/<key>`, the key URL-encoded by the client. */
function parse(request: http.IncomingMessage, body: Buffer) {
  const url = new URL(request.url ?? "/", "http://local");
  const [, bucket = "", ...keyParts] = url.pathname.split("/");
  if (!bucket)
    throw new S3Error(501, "NotImplemented", "ListBuckets and virtual-hosted style are not served");
  const headers = Object.fromEntries(
    Object.entries(request.headers).map(([name, value]) => [
      name,
      Array.isArray(value) ? value.join(",") : value,
    ]),
  );
  return {
    method: request.method ?? "GET",
    bucket: decodeURIComponent(bucket),
    key: decodeURIComponent(keyParts.join("/")) || undefined,
    query: url.searchParams,
    headers,
    body,
  };
}

function send(response: http.ServerResponse, reply: S3Reply, requestId: string, isHead: boolean): S3Reply {
  const length = reply.headers["Content-Length"] ?? String(Buffer.byteLength(reply.body));
  response.writeHead(reply.status, {
    ...reply.headers,
    "Content-Length": length,
    "x-amz-request-id": requestId,
  });
  response.end(isHead ? undefined : reply.body);
  return reply;
}
