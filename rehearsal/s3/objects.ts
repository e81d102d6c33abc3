import { createHash } from "node:crypto";
import { noSuchBucket, noSuchKey, notImplemented, preconditionFailed } from "./errors";

export interface StoredObject {
  readonly body: Buffer;
  /** Quoted MD5 of the body, as S3 gives it for single-part uploads. */
  readonly etag: string;
  readonly lastModified: Date;
  readonly contentType: string;
  /** The `x-amz-server-side-encryption` the object was written with, echoed on reads as S3 does. */
  readonly serverSideEncryption?: string;
  /** The x-amz-checksum-* values the object was written with (already checked against the body). */
  readonly checksums: Readonly<Record<string, string>>;
}

/** The conditional-write headers of PutObject (S3 honours them since 2024; Terraform's lock file relies on it). */
export interface WriteConditions {
  readonly ifNoneMatch?: string;
  readonly ifMatch?: string;
}

export interface ListOptions {
  readonly prefix: string;
  /** Exclusive: only keys after this one (where the previous page ended). */
  readonly after?: string;
  readonly maxKeys: number;
}

export interface Listing {
  readonly contents: [string, StoredObject][];
  /** The last key of this page when more follow. */
  readonly truncatedAfter?: string;
}

/** Called after every change, with `undefined` for a delete, so that a directory can keep the objects. */
export type ChangeListener = (bucket: string, key: string, object: StoredObject | undefined) => void;

export function newObject(
  body: Buffer,
  metadata: Pick<StoredObject, "contentType" | "serverSideEncryption" | "checksums">,
): StoredObject {
  const etag = `"${createHash("md5").update(body).digest("hex")}"`;
  return { body, etag, lastModified: new Date(), ...metadata };
}

/** S3 orders keys by their UTF-8 bytes. */
function byUtf8(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a), Buffer.from(b));
}

/**
 * The buckets and their objects. Every check-and-write is synchronous, so two requests racing for the same
 * lock file cannot both pass `If-None-Match: *`: the event loop serialises them.
 */
export class ObjectStore {
  private readonly buckets = new Map<string, Map<string, StoredObject>>();
  private readonly listeners: ChangeListener[] = [];

  constructor(bucketNames: readonly string[]) {
    for (const name of bucketNames) this.buckets.set(name, new Map());
  }

  hasBucket(bucket: string): boolean {
    return this.buckets.has(bucket);
  }

  bucketNames(): string[] {
    return [...this.buckets.keys()];
  }

  onChange(listener: ChangeListener): void {
    this.listeners.push(listener);
  }

  /** Puts an object back as it was kept (a restart), without conditions or listeners. */
  restore(bucket: string, key: string, object: StoredObject): void {
    this.objects(bucket).set(key, object);
  }

  get(bucket: string, key: string): StoredObject {
    const object = this.objects(bucket).get(key);
    if (!object) throw noSuchKey(key);
    return object;
  }

  put(bucket: string, key: string, object: StoredObject, conditions: WriteConditions = {}): void {
    const objects = this.objects(bucket);
    const existing = objects.get(key);
    if (conditions.ifNoneMatch !== undefined) {
      // S3 accepts only `*` here: "write only if no object has this key".
      if (conditions.ifNoneMatch.trim() !== "*")
        throw notImplemented(`If-None-Match: ${conditions.ifNoneMatch}`);
      if (existing) throw preconditionFailed("If-None-Match");
    }
    if (conditions.ifMatch !== undefined) {
      if (!existing) throw noSuchKey(key);
      if (!etagMatches(conditions.ifMatch, existing.etag)) throw preconditionFailed("If-Match");
    }
    objects.set(key, object);
    for (const listener of this.listeners) listener(bucket, key, object);
  }

  /** Deleting a missing key succeeds, as in S3. */
  delete(bucket: string, key: string): void {
    if (this.objects(bucket).delete(key)) {
      for (const listener of this.listeners) listener(bucket, key, undefined);
    }
  }

  list(bucket: string, { prefix, after, maxKeys }: ListOptions): Listing {
    const keys = [...this.objects(bucket).keys()]
      .filter((key) => key.startsWith(prefix) && (after === undefined || byUtf8(key, after) > 0))
      .sort(byUtf8);
    const page = keys.slice(0, maxKeys);
    const contents = page.map((key): [string, StoredObject] => [key, this.get(bucket, key)]);
    return { contents, truncatedAfter: keys.length > page.length ? page.at(-1) : undefined };
  }

  private objects(bucket: string): Map<string, StoredObject> {
    const objects = this.buckets.get(bucket);
    if (!objects) throw noSuchBucket(bucket);
    return objects;
  }
}

/** `If-Match` holds one or more quoted ETags, or `*` (any existing object). */
function etagMatches(header: string, etag: string): boolean {
  return header
    .split(",")
    .map((tag) => tag.trim())
    .some((tag) => tag === "*" || tag === etag || `"${tag}"` === etag);
}
