import { isLetsEncrypt } from "../../config/acme-directory";
import type { Organisation } from "../../config/schema";
import { ALERT_SECRET_VARIABLES, environmentVariableOf } from "../../config/model/alert-secret-variables";
import { backendSettings } from "../../stacks/backend-settings";
import { resolveOrganisation } from "../../config/model/organisation-model";

/** One credential a deploy of an organisation needs from the environment; any one of `names` will do. */
export interface RequiredVariable {
  readonly names: readonly string[];
  readonly why: string;
  readonly fix: string;
  /** lego also reads NAME_FILE, a path holding the value. */
  readonly acceptsFile?: boolean;
}

const HETZNER_TOKEN_FIX =
  "create a read & write API token in the Hetzner Console (your project → Security → API tokens)";

/**
 * lego's credential variables for the DNS providers we document. Other providers work too; doctor then
 * points at lego's page for the provider instead of checking.
 */
export const DNS_PROVIDER_VARIABLES: Readonly<Record<string, readonly string[]>> = {
  hetzner: ["HETZNER_API_TOKEN"],
  cloudflare: ["CLOUDFLARE_DNS_API_TOKEN", "CF_DNS_API_TOKEN"],
  digitalocean: ["DO_AUTH_TOKEN"],
  // The program that creates and removes the TXT records (a private DNS, the rehearsal's pebble-challtestsrv).
  exec: ["EXEC_PATH"],
};

/** The single list of secrets a deploy needs, derived from the organisation file (CI and doctor use it). */
export function requiredVariables(
  org: Organisation,
  env: NodeJS.ProcessEnv = process.env,
): RequiredVariable[] {
  const required: RequiredVariable[] = [];
  const model = resolveOrganisation(org);
  const hetznerServers = model.billableServers.length > 0;
  if (model.needsHcloud) {
    const uses = [
      hetznerServers && "Hetzner servers",
      org.dnsZone && `records in the DNS zone ${org.dnsZone}`,
    ];
    required.push({
      names: ["HCLOUD_TOKEN"],
      why: `the hcloud provider manages ${uses.filter(Boolean).join(" and ")}`,
      fix: `export HCLOUD_TOKEN=...: ${HETZNER_TOKEN_FIX}`,
    });
  }
  if (backendSettings(org, env).kind === "s3") {
    for (const name of ["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"]) {
      required.push({
        names: [name],
        why: "the S3 state backend signs its requests with the bucket's access key",
        fix: `export ${name}=...: the access key of the state bucket (Hetzner Console → Object Storage → S3 credentials)`,
      });
    }
  }
  const dns = org.acme.dnsProvider;
  const dnsVariables = DNS_PROVIDER_VARIABLES[dns];
  if (org.acme.mode === "acme" && dnsVariables) {
    required.push({
      names: dnsVariables,
      why: `${isLetsEncrypt(org.acme.directory) ? "Let's Encrypt" : "the ACME CA's"} DNS-01 challenges go through lego's '${dns}' DNS provider`,
      fix: `export ${dnsVariables[0]}=...: ${dns === "hetzner" ? HETZNER_TOKEN_FIX : `see https://go-acme.github.io/lego/dns/${dns}/`}`,
      acceptsFile: true,
    });
  }
  if (org.monitoring.enabled && org.monitoring.alertWebhook) {
    const name = environmentVariableOf(ALERT_SECRET_VARIABLES.webhookUrl);
    required.push({
      names: [name],
      why: "monitoring.alertWebhook is on, and the webhook URL is a secret kept out of the organisation file",
      fix: `export ${name}=https://...: the incoming-webhook URL of your chat or pager`,
    });
  }
  if (org.monitoring.enabled && org.monitoring.alertEmail && env.FAILMAP_SMTP_SMARTHOST) {
    const name = environmentVariableOf(ALERT_SECRET_VARIABLES.smtpPassword);
    required.push({
      names: [name],
      why: `alert mail goes through ${env.FAILMAP_SMTP_SMARTHOST}`,
      fix: `export ${name}=...: the relay's password (empty if it needs none)`,
    });
  }
  return required;
}

export function isSet(variable: RequiredVariable, env: NodeJS.ProcessEnv): boolean {
  return variable.names.some(
    (n) => Boolean(env[n]) || (variable.acceptsFile === true && Boolean(env[`${n}_FILE`])),
  );
}
