import fs from "node:fs";
import { parseArgs } from "node:util";
import { createS3Server, type RequestRecord } from "./server";
import { REHEARSAL_CREDENTIALS } from "./signature";

const USAGE = `Usage: tsx rehearsal/s3/main.ts [options]

A local S3 for Terraform state (path-style) that enforces the s3 backend's lock file (If-None-Match: *).

  --listen ADDR      address to listen on (default: 127.0.0.1)
  --port N           port to listen on (default: any free port)
  --bucket NAME      a bucket that exists (repeatable; default: failmap-state)
  --dir D            keep the objects in D, so that a restart finds them again (default: memory only)
  --cert FILE        PEM certificate: serve HTTPS (with --key). Terraform trusts its CA through AWS_CA_BUNDLE;
                     it must name the endpoint's host (an IP SAN for 127.0.0.1, or DNS:localhost)
  --key FILE         PEM private key of --cert
  --access-key ID    the access key id to accept (default: $AWS_ACCESS_KEY_ID, else ${REHEARSAL_CREDENTIALS.accessKeyId})
  --secret-key KEY   its secret (default: $AWS_SECRET_ACCESS_KEY, else a fixed rehearsal secret)
  --log              print every request (method, path, query, headers that matter, answer) on stderr
`;

/** Headers worth seeing in the log: conditions, content and checksum settings. */
const LOGGED_HEADERS = /^(if-|range|content-(type|md5|encoding)|x-amz-(?!date|content-sha256|user-agent))/;

function logLine(record: RequestRecord): string {
  const headers = Object.entries(record.headers)
    .filter(([name]) => LOGGED_HEADERS.test(name))
    .map(([name, value]) => `${name}: ${String(value)}`);
  const answer = record.error ? `${record.status} ${record.error}` : String(record.status);
  return `${record.method} ${record.url}${headers.length ? ` [${headers.join("; ")}]` : ""} -> ${answer}\n`;
}

function main(): void {
  const { values } = parseArgs({
    options: {
      listen: { type: "string", default: "127.0.0.1" },
      port: { type: "string", default: "0" },
      bucket: { type: "string", multiple: true, default: ["failmap-state"] },
      dir: { type: "string" },
      cert: { type: "string" },
      key: { type: "string" },
      "access-key": {
        type: "string",
        default: process.env.AWS_ACCESS_KEY_ID ?? REHEARSAL_CREDENTIALS.accessKeyId,
      },
      "secret-key": {
        type: "string",
        default: process.env.AWS_SECRET_ACCESS_KEY ?? REHEARSAL_CREDENTIALS.secretAccessKey,
      },
      log: { type: "boolean", default: false },
      help: { type: "boolean", default: false },
    },
  });
  if (values.help) {
    process.stdout.write(USAGE);
    return;
  }
  if (Boolean(values.cert) !== Boolean(values.key)) throw new Error("--cert and --key go together");
  for (const bucket of values.bucket) {
    if (!/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(bucket)) {
      throw new Error(
        `--bucket ${bucket}: S3 bucket names are 3-63 lowercase letters, digits, dots and hyphens`,
      );
    }
  }

  const s3 = createS3Server({
    buckets: values.bucket,
    directory: values.dir,
    credentials: { accessKeyId: values["access-key"], secretAccessKey: values["secret-key"] },
    tls:
      values.cert && values.key
        ? { cert: fs.readFileSync(values.cert), key: fs.readFileSync(values.key) }
        : undefined,
    onRequest: values.log ? (record) => process.stderr.write(logLine(record)) : undefined,
  });
  s3.server.listen(Number(values.port), values.listen, () => {
    process.stdout.write(
      `FAILMAP_STATE_ENDPOINT=${s3.endpoint()}\nFAILMAP_STATE_BUCKET=${values.bucket[0]}\n` +
        `AWS_ACCESS_KEY_ID=${values["access-key"]}\n`,
    );
  });
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.once(signal, () => s3.server.close(() => process.exit(0)));
  }
}

main();
