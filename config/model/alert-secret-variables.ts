/**
 * The sensitive Terraform variables of the alert secrets, declared once: the stack makes them
 * (stacks/alert-secrets.ts), the file's schema names them to the operator, and `npm run doctor` asks for them.
 */
export const ALERT_SECRET_VARIABLES = {
  smtpPassword: "failmap_smtp_password",
  webhookUrl: "failmap_alert_webhook_url",
} as const;

/** The environment variable Terraform reads a variable's value from. */
export const environmentVariableOf = (variable: string): string => `TF_VAR_${variable}`;
