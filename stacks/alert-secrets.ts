import { TerraformVariable } from "cdktf";
import type { Construct } from "constructs";
import { ALERT_SECRET_VARIABLES } from "../config/model/alert-secret-variables";
import type { OrganisationModel } from "../config/model/organisation-model";
import type { MonitoringProps } from "../constructs/monitoring/monitoring";
import { smtpSettingsFromEnv } from "../constructs/monitoring/smtp";

/**
 * Where alerts go is secret (an SMTP password, a webhook URL with a token in it), so it never sits in the
 * organisation file: the relay comes from FAILMAP_SMTP_* and the secrets from sensitive Terraform variables
 * (ALERT_SECRET_VARIABLES, set as TF_VAR_<name>), kept out of cdktf.out.
 */
export function alertSecrets(
  scope: Construct,
  model: OrganisationModel,
): Pick<MonitoringProps, "smtp" | "alertWebhookUrl"> {
  const secret = (name: string) =>
    new TerraformVariable(scope, name, { type: "string", sensitive: true, nullable: false }).stringValue;
  const smtp = model.monitoring.alertEmail ? smtpSettingsFromEnv(process.env) : undefined;
  return {
    smtp: smtp && { ...smtp, password: secret(ALERT_SECRET_VARIABLES.smtpPassword) },
    alertWebhookUrl: model.monitoring.alertWebhook ? secret(ALERT_SECRET_VARIABLES.webhookUrl) : undefined,
  };
}
