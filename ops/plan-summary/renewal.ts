import { actionOf } from "./parse-json";
import type { PlanJson, PlannedChange } from "./plan-json";
import { TLS_CERTIFICATES } from "./tls-certificates";

export type Verdict = "none" | "renewal" | "changes";

export interface Classification {
  readonly verdict: Verdict;
  /** Certificates due for renewal, and the uploads that deliver them. */
  readonly renewals: readonly string[];
  /** Everything else the plan would do: drift to undo, or a change on main that nobody deployed yet. */
  readonly others: readonly string[];
}

/**
 * Decides whether the scheduled job may apply a plan unattended. It may when the plan only renews
 * certificates: the ACME provider marks a certificate inside min_days_remaining for update, the tls
 * provider replaces one inside early_renewal_hours, and everything that carries a renewed certificate (a
 * HostFiles upload, a certificate signed by a renewed CA) then changes to a value not known until apply.
 * A change whose new value is already known was made by a commit, not by a renewal, and needs a reviewed
 * deploy like any other change.
 */
export function classifyScheduledPlan(plan: PlanJson): Classification {
  const renewals: string[] = [];
  const others: string[] = [];
  for (const rc of plan.resource_changes ?? []) {
    const action = actionOf(rc.change.actions);
    if (action === undefined || action === "read") continue;
    const followsRenewal = isDeliveryOfUnknownContent(rc) || isSignedByUnknownCa(rc);
    (isRenewal(rc) || followsRenewal ? renewals : others).push(rc.address);
  }
  const certificates = (plan.resource_changes ?? []).filter(isRenewal).length;
  const verdict: Verdict =
    renewals.length + others.length === 0
      ? "none"
      : others.length === 0 && certificates > 0
        ? "renewal"
        : "changes";
  return { verdict, renewals, others };
}

function isRenewal(rc: PlannedChange): boolean {
  const action = actionOf(rc.change.actions);
  if (rc.type === "acme_certificate") return action === "update" && isAcmeRenewal(rc);
  return action === "replace" && isTlsRenewal(rc);
}

/**
 * The ACME provider renews in place: inside min_days_remaining its plan marks certificate_pem (and the
 * rest of the issued certificate) as unknown (terraform-provider-acme 2.48.1, resource_acme_certificate.go,
 * resourceACMECertificateCustomizeDiff). An update that leaves certificate_pem known changes only the
 * resource's own arguments; a replacement is a new name, key type or account, which a commit made.
 */
function isAcmeRenewal(rc: PlannedChange): boolean {
  return (rc.change.after_unknown as Record<string, unknown> | undefined)?.certificate_pem === true;
}

/**
 * The tls provider renews a certificate only by replacing it: inside early_renewal_hours its read sets
 * ready_for_renewal, and its plan makes that attribute force a replacement (terraform-provider-tls,
 * internal/provider/common_cert.go, modifyPlanIfCertificateReadyForRenewal). A replacement forced by
 * anything besides ready_for_renewal is a change of the certificate's own arguments.
 */
function isTlsRenewal(rc: PlannedChange): boolean {
  const paths = rc.change.replace_paths ?? [];
  return (
    TLS_CERTIFICATES.has(rc.type) &&
    paths.length > 0 &&
    paths.every((p) => p.length === 1 && p[0] === "ready_for_renewal")
  );
}

/**
 * A certificate signed again because its CA is being replaced: its ca_cert_pem, which forces the
 * replacement, is not known until the CA exists. It follows the CA: a renewal when the CA is renewed, and
 * part of a reviewed change when a commit replaced the CA (which is then itself among the others).
 */
function isSignedByUnknownCa(rc: PlannedChange): boolean {
  const paths = rc.change.replace_paths ?? [];
  const unknown = rc.change.after_unknown as Record<string, unknown> | undefined;
  return (
    rc.type === "tls_locally_signed_cert" &&
    actionOf(rc.change.actions) === "replace" &&
    paths.length > 0 &&
    paths.every((p) => p.length === 1 && p[0] === "ca_cert_pem") &&
    unknown?.ca_cert_pem === true
  );
}

function isDeliveryOfUnknownContent(rc: PlannedChange): boolean {
  if (rc.type !== "null_resource") return false;
  const before = triggersOf(rc.change.before);
  const after = triggersOf(rc.change.after);
  const unknownAll = (rc.change.after_unknown as { triggers?: unknown } | undefined)?.triggers;
  const unknown = (key: string) =>
    unknownAll === true ||
    (typeof unknownAll === "object" &&
      unknownAll !== null &&
      (unknownAll as Record<string, unknown>)[key] === true);
  const keys = new Set([...Object.keys(before), ...Object.keys(after)]);
  const changed = [...keys].filter((k) => unknown(k) || before[k] !== after[k]);
  return changed.length > 0 && changed.every(unknown);
}

function triggersOf(value: unknown): Record<string, unknown> {
  const triggers = (value as { triggers?: unknown } | null | undefined)?.triggers;
  return typeof triggers === "object" && triggers !== null ? (triggers as Record<string, unknown>) : {};
}
