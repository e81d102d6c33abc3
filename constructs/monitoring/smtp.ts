/** Where Alertmanager sends mail. Not in the organisation file: the password is a secret. */
export interface SmtpSettings {
  /** host:port of the mail relay, e.g. smtp.example.org:587. */
  readonly smarthost: string;
  readonly from: string;
  readonly username?: string;
  /** May be a token (e.g. a sensitive TerraformVariable), so it never lands in cdktf.out. */
  readonly password?: string;
}

/**
 * Reads FAILMAP_SMTP_SMARTHOST, FAILMAP_SMTP_FROM and FAILMAP_SMTP_USERNAME. Undefined when no smarthost is
 * set: alert mail is then left out (with a synth warning) rather than failing a credential-free synth.
 */
export function smtpSettingsFromEnv(env: NodeJS.ProcessEnv): Omit<SmtpSettings, "password"> | undefined {
  const smarthost = env.FAILMAP_SMTP_SMARTHOST;
  if (!smarthost) return undefined;
  if (!/^[^\s:]+:\d+$/.test(smarthost)) {
    throw new Error(
      `FAILMAP_SMTP_SMARTHOST=${smarthost} must be host:port, for example smtp.example.org:587`,
    );
  }
  const from = env.FAILMAP_SMTP_FROM;
  if (!from) throw new Error("FAILMAP_SMTP_FROM is not set: give the sender address of alert mail");
  return { smarthost, from, username: env.FAILMAP_SMTP_USERNAME || undefined };
}
