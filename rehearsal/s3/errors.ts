/**
 * Errors as S3 answers them: an HTTP status and an `<Error><Code>…</Code>…</Error>` body. The AWS SDK (and so
 * Terraform) decides on the code, so each code keeps the status S3 documents for it.
 */
export class S3Error extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    /** Extra elements of the error document, e.g. `{ Key: "…" }`, as S3 adds them. */
    readonly details: Readonly<Record<string, string>> = {},
  ) {
    super(message);
  }
}

export const noSuchBucket = (bucket: string) =>
  new S3Error(404, "NoSuchBucket", "The specified bucket does not exist", { BucketName: bucket });

export const noSuchKey = (key: string) =>
  new S3Error(404, "NoSuchKey", "The specified key does not exist.", { Key: key });

export const preconditionFailed = (condition: string) =>
  new S3Error(412, "PreconditionFailed", "At least one of the pre-conditions you specified did not hold", {
    Condition: condition,
  });

export const notImplemented = (what: string) =>
  new S3Error(
    501,
    "NotImplemented",
    `A header or query you provided implies functionality that is not implemented: ${what}`,
  );

export const accessDenied = (message: string) => new S3Error(403, "AccessDenied", message);
