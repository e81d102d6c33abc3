import type { Organisation } from "../../config/schema";
import { ok, warning, type Finding } from "./finding";

/**
 * The schema already rejects malformed references. A moving tag is legal but makes a deploy pull
 * whatever was pushed last, so a redeploy of the same commit can change the application.
 */
export function checkImages(org: Organisation): Finding[] {
  return Object.entries(org.instances).map(([id, instance]) => {
    const ref = instance.image;
    const pinned = ref.includes("@sha256:") || (/:[\w][\w.-]*$/.test(ref) && !ref.endsWith(":latest"));
    return pinned
      ? ok(`instances.${id}.image ${ref} is pinned`)
      : warning(
          `instances.${id}.image ${ref} follows a moving tag: each deploy may pull a different image`,
          "pin a version tag or an @sha256 digest for repeatable deploys and meaningful rollbacks",
        );
  });
}
