import { readUrl } from "./urls";

/*
 * acme.directory: Let's Encrypt by name, or any other ACME CA (ZeroSSL, Google Trust Services, an own
 * step-ca, pebble in the rehearsal) by the URL of its directory.
 */

/** Let's Encrypt's directories, by the names an organisation file uses for them. */
export const LETS_ENCRYPT_DIRECTORIES = {
  production: "https://acme-v02.api.letsencrypt.org/directory",
  staging: "https://acme-staging-v02.api.letsencrypt.org/directory",
} as const;

type LetsEncryptName = keyof typeof LETS_ENCRYPT_DIRECTORIES;

const isLetsEncryptName = (directory: string): directory is LetsEncryptName =>
  Object.hasOwn(LETS_ENCRYPT_DIRECTORIES, directory);

/** True when `directory` names one of Let's Encrypt's directories rather than another CA's URL. */
export const isLetsEncrypt = (directory: string): boolean => isLetsEncryptName(directory);

/** The URL the ACME provider talks to for `directory` (a name or a URL the schema accepted). */
export function acmeDirectoryUrl(directory: string): string {
  return isLetsEncryptName(directory) ? LETS_ENCRYPT_DIRECTORIES[directory] : directory;
}

const EXAMPLE = "https://acme.zerossl.com/v2/DV90";

/** Why `directory` is neither a Let's Encrypt name nor an https URL, with the fix; or undefined. */
export function acmeDirectoryProblem(directory: string): string | undefined {
  if (isLetsEncryptName(directory)) return undefined;
  const url = readUrl(
    directory,
    `is neither production, staging (Let's Encrypt) nor the URL of an ACME directory; write one of those, e.g. ${EXAMPLE}`,
  );
  if (typeof url === "string") return url;
  if (url.protocol !== "https:") {
    return `is ${url.protocol}// to ${url.host}: ACME runs over https only (RFC 8555, 6.1), and the account key's requests and the certificates would cross the network unencrypted; write https://${url.host}${url.pathname}`;
  }
  if (url.username !== "" || url.password !== "") {
    return "holds a user name or password: ACME authenticates with the account key, and a password in the organisation file would be in every plan; remove it from the URL";
  }
  return undefined;
}
