import type { S3Error } from "./errors";
import type { StoredObject } from "./objects";

const DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>\n';
const NAMESPACE = "http://s3.amazonaws.com/doc/2006-03-01/";

export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function element(name: string, value: string | number | boolean): string {
  return `<${name}>${escapeXml(String(value))}</${name}>`;
}

export function errorDocument(error: S3Error, requestId: string): string {
  const details = Object.entries(error.details).map(([name, value]) => element(name, value));
  return (
    DECLARATION +
    `<Error>${element("Code", error.code)}${element("Message", error.message)}${details.join("")}` +
    `${element("RequestId", requestId)}</Error>`
  );
}

export interface ListPage {
  readonly bucket: string;
  readonly prefix: string;
  readonly maxKeys: number;
  readonly continuationToken?: string;
  readonly nextContinuationToken?: string;
  readonly contents: readonly (readonly [string, StoredObject])[];
}

export function listObjectsV2Document(page: ListPage): string {
  const optional = (tag: string, value: string | undefined) =>
    value === undefined ? "" : element(tag, value);
  const contents = page.contents.map(
    ([key, object]) =>
      `<Contents>${element("Key", key)}${element("LastModified", object.lastModified.toISOString())}` +
      `${element("ETag", object.etag)}${element("Size", object.body.length)}` +
      `${element("StorageClass", "STANDARD")}</Contents>`,
  );
  return (
    DECLARATION +
    `<ListBucketResult xmlns="${NAMESPACE}">${element("Name", page.bucket)}${element("Prefix", page.prefix)}` +
    optional("ContinuationToken", page.continuationToken) +
    optional("NextContinuationToken", page.nextContinuationToken) +
    element("KeyCount", contents.length) +
    element("MaxKeys", page.maxKeys) +
    element("IsTruncated", page.nextContinuationToken !== undefined) +
    contents.join("") +
    "</ListBucketResult>"
  );
}
