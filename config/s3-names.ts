/*
 * The state bucket's name and region, as S3 (and Hetzner Object Storage, MinIO) accept them. A name S3
 * forbids fails only at `terraform init`, after the synth said nothing; these say so at the synth.
 */

const BUCKET_CHARACTERS = /^[a-z0-9.-]+$/;

/** Why `bucket` is not an S3 bucket name (docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html). */
export function bucketNameProblem(bucket: string): string | undefined {
  const fix =
    "write 3-63 lower-case letters, digits, dots and dashes, starting and ending with a letter or digit (e.g. failmap-state)";
  if (bucket.length < 3 || bucket.length > 63) return `is ${bucket.length} characters long; ${fix}`;
  if (!BUCKET_CHARACTERS.test(bucket)) return `is not an S3 bucket name; ${fix}`;
  if (!/^[a-z0-9].*[a-z0-9]$/.test(bucket)) return `starts or ends with a dot or dash; ${fix}`;
  if (bucket.includes("..")) return `holds two dots in a row; ${fix}`;
  if (/^\d+\.\d+\.\d+\.\d+$/.test(bucket))
    return `is written as an IP address, which S3 refuses as a bucket name; ${fix}`;
  return undefined;
}

/** A region as S3 services name them: eu-central, fsn1, us-east-1. */
export const REGION = /^[a-z0-9]+(-[a-z0-9]+)*$/;
