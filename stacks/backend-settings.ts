import path from "node:path";
import type { Organisation } from "../config/schema";

/** Environment variables that override the organisation file's `state` section (documented in README). */
export const STATE_ENV = {
  bucket: "FAILMAP_STATE_BUCKET",
  region: "FAILMAP_STATE_REGION",
  endpoint: "FAILMAP_STATE_ENDPOINT",
} as const;

export type BackendSettings =
  | { readonly kind: "local"; readonly path: string }
  | {
      readonly kind: "s3";
      readonly bucket: string;
      readonly key: string;
      readonly region: string;
      readonly endpoint?: string;
    };

/**
 * Where an organisation's state lives: one key per organisation in an S3 bucket, or a local file when no
 * bucket is configured (the example organisations, and first experiments).
 */
export function backendSettings(
  org: Pick<Organisation, "name" | "state">,
  env: NodeJS.ProcessEnv = process.env,
): BackendSettings {
  const bucket = env[STATE_ENV.bucket] || org.state.bucket;
  // In the project root, as cdktf's own default: cdktf.out/ is regenerated and must never hold the state.
  if (!bucket) return { kind: "local", path: path.resolve(`terraform.org-${org.name}.tfstate`) };
  return {
    kind: "s3",
    bucket,
    key: `${org.state.prefix}/${org.name}.tfstate`,
    region: env[STATE_ENV.region] || org.state.region,
    endpoint: env[STATE_ENV.endpoint] || org.state.endpoint,
  };
}

/**
 * The s3 backend block as Terraform reads it. Locking uses S3 conditional writes (use_lockfile), so no
 * DynamoDB table is needed. A custom endpoint (Hetzner Object Storage, MinIO) gets path-style addressing and
 * skips the AWS-only checks it cannot answer.
 */
export function s3BackendBlock(s: Extract<BackendSettings, { kind: "s3" }>): Record<string, unknown> {
  const block: Record<string, unknown> = {
    bucket: s.bucket,
    key: s.key,
    region: s.region,
    encrypt: true,
    use_lockfile: true,
  };
  if (s.endpoint) {
    Object.assign(block, {
      endpoints: { s3: s.endpoint },
      use_path_style: true,
      skip_credentials_validation: true,
      skip_region_validation: true,
      skip_requesting_account_id: true,
      skip_metadata_api_check: true,
      skip_s3_checksum: true,
    });
  }
  return block;
}
