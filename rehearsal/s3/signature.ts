import { createHash, createHmac, timingSafeEqual } from "node:crypto";
import type http from "node:http";
import { accessDenied, S3Error } from "./errors";

export interface Credentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
}

/** The key pair accepted when neither the options nor the environment name one; it guards only against mistakes. */
export const REHEARSAL_CREDENTIALS = {
  accessKeyId: "REHEARSALACCESSKEY00",
  secretAccessKey: "rehearsal-secret-access-key-for-local-state-only",
} as const;

const ALGORITHM = "AWS4-HMAC-SHA256";
const AUTHORIZATION =
  /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request, ?SignedHeaders=([a-z0-9;-]+), ?Signature=([0-9a-f]{64})$/;

function sha256Hex(data: string | Buffer): string {
  return createHash("sha256").update(data).digest("hex");
}

function hmac(key: string | Buffer, data: string): Buffer {
  return createHmac("sha256", key).update(data).digest();
}

/** RFC 3986 encoding as SigV4 wants it: everything but unreserved characters, spaces as %20. */
function uriEncode(text: string): string {
  return encodeURIComponent(text).replace(
    /[!'()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}

function canonicalQuery(rawQuery: string): string {
  const pairs = rawQuery
    .split("&")
    .filter(Boolean)
    .map((pair) => {
      const [name, value = ""] = pair.split(/=(.*)/s);
      const decode = (s: string) => decodeURIComponent(s.replace(/\+/g, "%20"));
      return [uriEncode(decode(name)), uriEncode(decode(value))] as const;
    });
  pairs.sort(([n1, v1], [n2, v2]) => (n1 === n2 ? (v1 < v2 ? -1 : 1) : n1 < n2 ? -1 : 1));
  return pairs.map(([name, value]) => `${name}=${value}`).join("&");
}

function headerValue(request: http.IncomingMessage, name: string): string {
  const value = request.headers[name];
  const text = Array.isArray(value) ? value.join(",") : (value ?? "");
  return text.trim().replace(/\s+/g, " ");
}

/**
 * Checks a request's AWS Signature Version 4 (the Authorization header form the AWS SDKs send) against the
 * one key pair this server knows, so a wrong access key or secret is refused with S3's own error codes.
 * Clock skew is not checked: a rehearsal has no use for it.
 */
export function verifySignature(request: http.IncomingMessage, body: Buffer, credentials: Credentials): void {
  const authorization = request.headers.authorization;
  if (!authorization) throw accessDenied("Access Denied: the request carries no Authorization header");
  const parts = AUTHORIZATION.exec(authorization);
  if (!parts) {
    throw new S3Error(
      400,
      "AuthorizationHeaderMalformed",
      `The authorization header is malformed: ${authorization}`,
    );
  }
  const [, accessKeyId, date, region, service, signedHeaders, signature] = parts;
  if (accessKeyId !== credentials.accessKeyId) {
    throw new S3Error(
      403,
      "InvalidAccessKeyId",
      "The AWS Access Key Id you provided does not exist in our records.",
      { AWSAccessKeyId: accessKeyId },
    );
  }
  const payloadHash = headerValue(request, "x-amz-content-sha256");
  if (!payloadHash) {
    throw new S3Error(
      400,
      "InvalidRequest",
      "Missing required header for this request: x-amz-content-sha256",
    );
  }
  if (/^[0-9a-f]{64}$/.test(payloadHash) && payloadHash !== sha256Hex(body)) {
    throw new S3Error(
      400,
      "XAmzContentSHA256Mismatch",
      "The provided 'x-amz-content-sha256' header does not match what was computed.",
    );
  }
  const [rawPath, rawQuery = ""] = (request.url ?? "/").split(/\?(.*)/s);
  const headerNames = signedHeaders.split(";");
  const canonicalRequest = [
    request.method,
    rawPath || "/",
    canonicalQuery(rawQuery),
    headerNames.map((name) => `${name}:${headerValue(request, name)}\n`).join(""),
    signedHeaders,
    payloadHash,
  ].join("\n");
  const scope = `${date}/${region}/${service}/aws4_request`;
  const stringToSign = [
    ALGORITHM,
    headerValue(request, "x-amz-date"),
    scope,
    sha256Hex(canonicalRequest),
  ].join("\n");
  const signingKey = [date, region, service, "aws4_request"].reduce<Buffer | string>(
    (key, part) => hmac(key, part),
    `AWS4${credentials.secretAccessKey}`,
  );
  const expected = hmac(signingKey, stringToSign);
  if (!timingSafeEqual(expected, Buffer.from(signature, "hex"))) {
    throw new S3Error(
      403,
      "SignatureDoesNotMatch",
      "The request signature we calculated does not match the signature you provided. Check your key and signing method.",
      { AWSAccessKeyId: accessKeyId },
    );
  }
}
