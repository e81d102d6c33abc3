import type { PlannedChange } from "./plan-json";

/** The tls provider's certificates, which it renews only by replacing them. */
export const TLS_CERTIFICATES = new Set(["tls_self_signed_cert", "tls_locally_signed_cert"]);

/**
 * A tls certificate whose refresh found it due: the provider's read sets ready_for_renewal in state
 * (terraform-provider-tls common_cert.go, modifyStateIfCertificateReadyForRenewal), which Terraform reports
 * as drift. Nothing changed outside Terraform: the renewal itself is in the plan's changes.
 */
export function isFoundDue(rc: PlannedChange): boolean {
  if (!TLS_CERTIFICATES.has(rc.type)) return false;
  const before = (rc.change.before ?? {}) as Record<string, unknown>;
  const after = (rc.change.after ?? {}) as Record<string, unknown>;
  const keys = new Set([...Object.keys(before), ...Object.keys(after)]);
  const changed = [...keys].filter((k) => JSON.stringify(before[k]) !== JSON.stringify(after[k]));
  return changed.length === 1 && changed[0] === "ready_for_renewal";
}
