import type { AddressInfo } from "node:net";
import zlib from "node:zlib";
import { createS3Server, type S3Server } from "../../../rehearsal/s3/server";

/*
 * The parts of the S3 protocol the local S3 offers beyond what Terraform 1.11 exercises in
 * state-locking.test.ts, checked over HTTP as an SDK would see them. Requests are unsigned here: the
 * server is created without credentials.
 */
let s3: S3Server;
let base: string;

beforeAll(async () => {
  s3 = createS3Server({ buckets: ["state"] });
  await new Promise<void>((resolve) => s3.server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(s3.server.address() as AddressInfo).port}`;
});

afterAll(() => new Promise((resolve) => s3.server.close(resolve)));

const request = (path: string, init: RequestInit = {}) => fetch(`${base}${path}`, init);
const put = (path: string, body: string, headers: Record<string, string> = {}) =>
  request(path, { method: "PUT", body, headers });
const code = async (response: Response) => /<Code>([^<]+)<\/Code>/.exec(await response.text())?.[1];

function crc32(text: string): string {
  const digest = Buffer.alloc(4);
  digest.writeUInt32BE(zlib.crc32(text));
  return digest.toString("base64");
}

function awsChunked(text: string, checksum: string): string {
  return `${Buffer.byteLength(text).toString(16)}\r\n${text}\r\n0\r\nx-amz-checksum-crc32:${checksum}\r\n\r\n`;
}

it("answers HeadBucket, and NoSuchBucket for a bucket it does not have", async () => {
  expect((await request("/state", { method: "HEAD" })).status).toBe(200);
  expect((await request("/other", { method: "HEAD" })).status).toBe(404);
  const missing = await request("/other/key");
  expect([missing.status, await code(missing)]).toEqual([404, "NoSuchBucket"]);
});

it("writes with If-Match only over the object whose ETag is named", async () => {
  const absent = await put("/state/if-match", "x", { "If-Match": '"0"' });
  expect([absent.status, await code(absent)]).toEqual([404, "NoSuchKey"]);
  const etag = (await put("/state/if-match", "first")).headers.get("etag")!;
  await put("/state/if-match", "second");
  const stale = await put("/state/if-match", "third", { "If-Match": etag });
  expect([stale.status, await code(stale)]).toEqual([412, "PreconditionFailed"]);
  expect(await (await request("/state/if-match")).text()).toBe("second");
});

it("pages ListObjectsV2 with continuation tokens and refuses query options it lacks", async () => {
  for (const key of ["list/a", "list/b", "list/c", "other"]) await put(`/state/${key}`, key);
  const first = await (await request("/state?list-type=2&prefix=list%2F&max-keys=2")).text();
  expect(first).toContain("<IsTruncated>true</IsTruncated>");
  expect([...first.matchAll(/<Key>([^<]+)<\/Key>/g)].map((m) => m[1])).toEqual(["list/a", "list/b"]);
  const token = /<NextContinuationToken>([^<]+)</.exec(first)![1];
  const second = await (
    await request(`/state?list-type=2&prefix=list%2F&max-keys=2&continuation-token=${token}`)
  ).text();
  expect(second).toContain("<IsTruncated>false</IsTruncated>");
  expect([...second.matchAll(/<Key>([^<]+)<\/Key>/g)].map((m) => m[1])).toEqual(["list/c"]);

  const delimited = await request("/state?list-type=2&delimiter=%2F");
  expect([delimited.status, await code(delimited)]).toEqual([501, "NotImplemented"]);
});

it("unwraps aws-chunked uploads, refuses a wrong checksum and hands the right one back on request", async () => {
  const chunked = { "Content-Encoding": "aws-chunked", "x-amz-decoded-content-length": "5" };
  const corrupt = await put("/state/chunked", awsChunked("state", crc32("other")), chunked);
  expect([corrupt.status, await code(corrupt)]).toEqual([400, "BadDigest"]);
  expect((await request("/state/chunked", { method: "HEAD" })).status).toBe(404);

  expect((await put("/state/chunked", awsChunked("state", crc32("state")), chunked)).status).toBe(200);
  const read = await request("/state/chunked", { headers: { "x-amz-checksum-mode": "ENABLED" } });
  expect(await read.text()).toBe("state");
  expect(read.headers.get("x-amz-checksum-crc32")).toBe(crc32("state"));
});

it("serves byte ranges as the SDK's downloader asks for them", async () => {
  await put("/state/ranged", "0123456789");
  const tail = await request("/state/ranged", { headers: { Range: "bytes=-3" } });
  expect([tail.status, tail.headers.get("content-range"), await tail.text()]).toEqual([
    206,
    "bytes 7-9/10",
    "789",
  ]);
  const whole = await request("/state/ranged", { headers: { Range: "bytes=0-5242879" } });
  expect([whole.status, await whole.text()]).toEqual([206, "0123456789"]);
  const beyond = await request("/state/ranged", { headers: { Range: "bytes=10-" } });
  expect([beyond.status, await code(beyond)]).toEqual([416, "InvalidRange"]);
});
