import { stringify } from "yaml";
import type { SmtpSettings } from "./smtp";

export interface AlertmanagerConfigInput {
  readonly email?: string;
  readonly webhook?: string;
  /** Required for the email receiver. */
  readonly smtp?: SmtpSettings;
}

export const RECEIVER = "failmap";

/**
 * alertmanager.yml: every alert goes to one receiver that mails and/or calls the webhook of the
 * organisation file. With neither, alerts are still visible in Prometheus and Grafana.
 */
export function renderAlertmanagerConfig(input: AlertmanagerConfigInput): string {
  if (input.email && !input.smtp) {
    throw new Error(
      "an alert e-mail address needs SMTP settings (FAILMAP_SMTP_SMARTHOST, FAILMAP_SMTP_FROM)",
    );
  }
  const smtp = input.email ? input.smtp : undefined;
  const config = {
    ...(smtp
      ? {
          global: {
            smtp_smarthost: smtp.smarthost,
            smtp_from: smtp.from,
            smtp_require_tls: true,
            ...(smtp.username ? { smtp_auth_username: smtp.username } : {}),
            ...(smtp.password ? { smtp_auth_password: smtp.password } : {}),
          },
        }
      : {}),
    route: {
      receiver: RECEIVER,
      group_by: ["alertname", "host", "failmap_instance"],
      group_wait: "30s",
      group_interval: "5m",
      repeat_interval: "4h",
    },
    receivers: [
      {
        name: RECEIVER,
        ...(input.email ? { email_configs: [{ to: input.email, send_resolved: true }] } : {}),
        ...(input.webhook ? { webhook_configs: [{ url: input.webhook, send_resolved: true }] } : {}),
      },
    ],
  };
  return stringify(config, { lineWidth: 0 });
}
