import { stateEndpointProblem } from "../../config/state-endpoint";
import { STATE_ENV, type BackendSettings } from "../../stacks/backend-settings";
import { ok, problem, warning, type Finding } from "./finding";

/** An HTTP HEAD that returns the status code, and throws when nothing answers. */
export type Head = (url: string) => Promise<number>;

export function bucketUrl(s: Extract<BackendSettings, { kind: "s3" }>): string {
  const base = s.endpoint ? s.endpoint.replace(/\/+$/, "") : `https://s3.${s.region}.amazonaws.com`;
  return `${base}/${encodeURIComponent(s.bucket)}`;
}

/**
 * An unsigned HEAD on the bucket: S3 answers 403 for a bucket that exists (the request is unsigned) and
 * 404 for one that does not. That is enough to catch a wrong endpoint or a misspelt bucket before
 * terraform init reports it less clearly. Credentials are checked by the first plan.
 */
export async function checkStateBucket(settings: BackendSettings, head: Head): Promise<Finding> {
  if (settings.kind === "local") {
    return warning(
      `state is kept in a local file (${settings.path}): fine for a first try, lost with this machine`,
      "create a bucket and set FAILMAP_STATE_BUCKET (see docs/hosting.md)",
    );
  }
  // The file's state.endpoint is checked when it is loaded; the environment can still override it.
  const plaintext = settings.endpoint && stateEndpointProblem(settings.endpoint);
  if (plaintext) {
    return problem(
      `the state endpoint ${settings.endpoint} (${STATE_ENV.endpoint} or state.endpoint) ${plaintext}`,
      `set ${STATE_ENV.endpoint} to the https:// address of the object storage`,
    );
  }
  const url = bucketUrl(settings);
  let status: number;
  try {
    status = await head(url);
  } catch (e) {
    return problem(
      `the state bucket at ${url} cannot be reached: ${(e as Error).message}`,
      "check FAILMAP_STATE_ENDPOINT (e.g. https://fsn1.your-objectstorage.com) and the network",
    );
  }
  if (status === 404) {
    return problem(
      `the state bucket '${settings.bucket}' does not exist at ${url}`,
      "create it, or fix FAILMAP_STATE_BUCKET",
    );
  }
  if (status >= 500) return problem(`the state bucket at ${url} answers HTTP ${status}`, "try again later");
  return ok(`the state bucket answers at ${url} (HTTP ${status}); state key ${settings.key}`);
}
