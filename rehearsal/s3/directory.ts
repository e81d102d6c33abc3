import { createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import type { ObjectStore, StoredObject } from "./objects";

/*
 * Layout: <dir>/<bucket>/<sha256 of key>.data holds the body and <…>.json the key and metadata. File names
 * are hashes because keys may hold any character and exceed a file name's length. The .json file is written
 * last and removed first, so a crash between the two leaves no half object behind.
 */
interface Metadata {
  readonly key: string;
  readonly etag: string;
  readonly lastModified: string;
  readonly contentType: string;
  readonly serverSideEncryption?: string;
  readonly checksums: Readonly<Record<string, string>>;
}

function baseName(directory: string, bucket: string, key: string): string {
  return path.join(directory, bucket, createHash("sha256").update(key).digest("hex"));
}

function writeAtomically(file: string, content: string | Buffer): void {
  const temporary = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(temporary, content);
  fs.renameSync(temporary, file);
}

/** The objects `directory` holds for `bucket`, as keepInDirectory wrote them. */
export function readDirectory(directory: string, bucket: string): Map<string, StoredObject> {
  const folder = path.join(directory, bucket);
  const objects = new Map<string, StoredObject>();
  if (!fs.existsSync(folder)) return objects;
  for (const name of fs.readdirSync(folder).filter((n) => n.endsWith(".json"))) {
    const { key, lastModified, ...rest } = JSON.parse(
      fs.readFileSync(path.join(folder, name), "utf8"),
    ) as Metadata;
    const body = fs.readFileSync(path.join(folder, name.replace(/\.json$/, ".data")));
    objects.set(key, { ...rest, body, lastModified: new Date(lastModified) });
  }
  return objects;
}

/** Loads what `directory` holds into `store`, then writes every change back before it is answered. */
export function keepInDirectory(store: ObjectStore, directory: string): void {
  for (const bucket of store.bucketNames()) {
    fs.mkdirSync(path.join(directory, bucket), { recursive: true });
    for (const [key, object] of readDirectory(directory, bucket)) store.restore(bucket, key, object);
  }
  store.onChange((bucket, key, object) => {
    const base = baseName(directory, bucket, key);
    if (object) {
      writeAtomically(`${base}.data`, object.body);
      writeAtomically(`${base}.json`, JSON.stringify(metadataOf(key, object), null, 2));
    } else {
      fs.rmSync(`${base}.json`, { force: true });
      fs.rmSync(`${base}.data`, { force: true });
    }
  });
}

function metadataOf(key: string, object: StoredObject): Metadata {
  return {
    key,
    etag: object.etag,
    lastModified: object.lastModified.toISOString(),
    contentType: object.contentType,
    serverSideEncryption: object.serverSideEncryption,
    checksums: object.checksums,
  };
}
