import fs from "node:fs";
import path from "node:path";
import { CLI_CONFIG } from "../../ops/providers/installation";
import { STATE_ENV } from "../../stacks/backend-settings";
import { REHEARSAL_CREDENTIALS } from "../s3/signature";
import type { CloudEndpoints } from "./local-cloud";
import type { RunFiles } from "./run-files";

/** The system's trust store, which the bundle of the operator's side starts from. */
const SYSTEM_CAS = "/etc/ssl/certs/ca-certificates.crt";
/** lego's `exec` DNS provider: the script that sets TXT records in pebble-challtestsrv. */
export const EXEC_SCRIPT = path.join(__dirname, "challtestsrv-exec.sh");

/** One environment variable the rehearsal sets for the operator's side, with why, for the swap list. */
export interface EnvironmentSwap {
  readonly name: string;
  readonly value: string;
  readonly why: string;
}

/**
 * The environment of `cdktf` on the operator's side: the settings a user has (the Hetzner API, the state
 * bucket, the DNS provider's variables, the SSH agent, the trusted CAs), pointed at the local cloud.
 */
export function operatorEnvironment(
  files: RunFiles,
  cloud: CloudEndpoints,
  agentSocket: string,
): EnvironmentSwap[] {
  const bundle = files.caBundle();
  fs.writeFileSync(
    bundle,
    [SYSTEM_CAS, cloud.registryCaFile, cloud.acmeTlsCaFile]
      .map((file) => fs.readFileSync(file, "utf8"))
      .join("\n"),
  );
  return [
    {
      name: "FAILMAP_ORGANISATIONS_DIR",
      value: files.organisations(),
      why: "the rehearsal's copy of the organisation file",
    },
    { name: "FAILMAP_ORGANISATION", value: files.organisation, why: "synthesize this stack only" },
    { name: "HCLOUD_ENDPOINT", value: cloud.hcloudEndpoint, why: "the local Hetzner API" },
    { name: "HCLOUD_TOKEN", value: cloud.hcloudToken, why: "its token" },
    { name: STATE_ENV.bucket, value: cloud.stateBucket, why: "state in the local S3, with locking" },
    { name: STATE_ENV.endpoint, value: cloud.stateEndpoint, why: "the local S3" },
    { name: "AWS_ACCESS_KEY_ID", value: REHEARSAL_CREDENTIALS.accessKeyId, why: "the local S3's key" },
    { name: "AWS_SECRET_ACCESS_KEY", value: REHEARSAL_CREDENTIALS.secretAccessKey, why: "its secret" },
    {
      name: "SSH_AUTH_SOCK",
      value: agentSocket,
      why: "the rehearsal's SSH agent, holding the operator's key",
    },
    { name: "SSL_CERT_FILE", value: bundle, why: "trust the local registry's and pebble's CAs too" },
    {
      name: "LEGO_CA_CERTIFICATES",
      value: cloud.acmeTlsCaFile,
      why: "lego trusts pebble's HTTPS certificate",
    },
    {
      name: "EXEC_PATH",
      value: EXEC_SCRIPT,
      why: "lego's exec DNS provider sets TXT records in pebble-challtestsrv",
    },
    { name: "EXEC_SEQUENCE_INTERVAL", value: "1", why: "not 60 s between names" },
    { name: "EXEC_POLLING_INTERVAL", value: "1", why: "ask the DNS server every second" },
    { name: "EXEC_PROPAGATION_TIMEOUT", value: "60", why: "the DNS server answers at once" },
    { name: "FAILMAP_REHEARSAL_DNS_API", value: cloud.dnsApi, why: "where the exec script sets them" },
    {
      name: "TF_CLI_CONFIG_FILE",
      value: CLI_CONFIG,
      why: "the provider plugins, where npm run providers found them",
    },
    { name: "CHECKPOINT_DISABLE", value: "1", why: "no calls home" },
    {
      name: "CDKTF_DISABLE_PLUGIN_CACHE_ENV",
      value: "1",
      why: "no shared plugin cache: rehearsals side by side raced on it in terraform init (mkdir: file exists)",
    },
  ];
}

export function asEnvironment(swaps: readonly EnvironmentSwap[]): NodeJS.ProcessEnv {
  return { ...process.env, ...Object.fromEntries(swaps.map((s) => [s.name, s.value])) };
}
