/*
 * DNS's length limits (RFC 1035, 2.3.4): a name of at most 253 characters as written, each label (the part
 * between dots) at most 63. A longer one passes a pattern check and fails only at Hetzner, at the CA or in
 * a resolver; these say which limit and by how much.
 */

export const MAX_NAME_LENGTH = 253;
export const MAX_LABEL_LENGTH = 63;

/** Why `name` breaks a DNS length limit, with the numbers; or undefined. */
export function dnsLengthProblem(name: string): string | undefined {
  if (name.length > MAX_NAME_LENGTH) {
    return `is ${name.length} characters long; a DNS name is at most ${MAX_NAME_LENGTH} (RFC 1035): use a shorter name`;
  }
  const label = name.split(".").find((l) => l.length > MAX_LABEL_LENGTH);
  if (label !== undefined) {
    return `has a label of ${label.length} characters ('${label.slice(0, 16)}...'); a DNS label (the part between dots) is at most ${MAX_LABEL_LENGTH} (RFC 1035): shorten it`;
  }
  return undefined;
}
