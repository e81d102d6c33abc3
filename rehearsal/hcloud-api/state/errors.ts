/**
 * Errors as the Hetzner Cloud API answers them: `{"error":{"code":…,"message":…,"details":…}}` with the HTTP
 * status Hetzner documents for the code. hcloud-go decides on the code alone, so the code is what must be right;
 * statuses of the resource-specific codes that Hetzner does not document are marked below.
 */
const STATUS_BY_CODE = {
  unauthorized: 401,
  forbidden: 403,
  invalid_input: 400,
  json_error: 400,
  not_found: 404,
  uniqueness_error: 409,
  conflict: 409,
  protected: 403,
  locked: 423,
  // Seen on firewall deletes ("firewall with ID … is still in use").
  resource_in_use: 422,
  // Undocumented statuses: 409 for "the resource is in the wrong state for this", 422 otherwise.
  server_not_stopped: 409,
  firewall_already_applied: 409,
  firewall_resource_not_found: 422,
  primary_ip_assigned: 409,
  primary_ip_version_mismatch: 422,
  primary_ip_datacenter_mismatch: 422,
  server_has_ipv4: 409,
  server_has_ipv6: 409,
  invalid_server_type: 422,
} as const;

export type ErrorCode = keyof typeof STATUS_BY_CODE;

export interface FieldError {
  readonly name: string;
  readonly messages: readonly string[];
}

export class ApiError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details: unknown = null,
  ) {
    super(message);
  }

  get status(): number {
    return STATUS_BY_CODE[this.code];
  }

  toJSON(): { error: { code: string; message: string; details: unknown } } {
    return { error: { code: this.code, message: this.message, details: this.details } };
  }
}

/** `invalid_input` with the `details.fields` that hcloud-go parses and Terraform prints. */
export function invalidInput(fields: readonly FieldError[]): ApiError {
  const names = fields.map((f) => `'${f.name}'`).join(", ");
  const message = `invalid input in field${fields.length > 1 ? "s" : ""} ${names}`;
  return new ApiError("invalid_input", message, { fields });
}

export function invalidField(name: string, message: string): ApiError {
  return invalidInput([{ name, messages: [message] }]);
}

export function notFound(kind: string, id: number | string): ApiError {
  return new ApiError("not_found", `${kind} with ID '${id}' not found`);
}

/** Collects field errors so that one answer names every bad field, as Hetzner does. */
export class FieldErrors {
  private readonly fields = new Map<string, string[]>();

  add(name: string, message: string): void {
    this.fields.set(name, [...(this.fields.get(name) ?? []), message]);
  }

  throwIfAny(): void {
    if (this.fields.size === 0) return;
    throw invalidInput([...this.fields].map(([name, messages]) => ({ name, messages })));
  }
}
