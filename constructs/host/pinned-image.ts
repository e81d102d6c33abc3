import { DataDockerRegistryImage } from "@cdktf/provider-docker/lib/data-docker-registry-image";
import { Image } from "@cdktf/provider-docker/lib/image";
import { Fn, Token, type ITerraformDependable } from "cdktf";
import { Construct } from "constructs";
import type { Host } from "./host";
import { parseImageRef, type ImageRef } from "./image-ref";
import { imageLookupOf, mirroredReference } from "./image-lookup";

export interface PinnedImageProps {
  readonly host: Host;
  /**
   * As in the organisation file: a tag (looked up in the registry at plan time) or a digest. It is pulled
   * through the organisation's registry mirror when one is set.
   */
  readonly reference: string;
  /**
   * Anything besides the host's bootstrap (Docker itself) that must come first.
   * @default - only the host's bootstrap
   */
  readonly dependsOn?: readonly ITerraformDependable[];
}

/**
 * An image on a host, pulled by digest. A tag is resolved at plan time, so a new image upstream shows as a
 * change in the plan (and replaces the containers that use it) instead of arriving silently on some later
 * restart. Every image a host pulls by name comes through here (worker hosts pull the digest their main host
 * pinned), after the host's bootstrap (AfterBootstrap, stacks/aspects), so none is pulled before the host's
 * Docker exists.
 *
 * Frozen (freezeImageLookups, which the scheduled renewal job sets through FAILMAP_FREEZE_IMAGES), a
 * looked-up image keeps the digest in state: its name and pull trigger ignore the registry's answer, and
 * everything that names it reads those. A push upstream then never turns a renewal plan into "changes";
 * it is deployed, like any other change, through a reviewed plan.
 */
export class PinnedImage extends Construct {
  readonly ref: ImageRef;
  /** repository@sha256:..., what host commands should run. */
  readonly pinned: string;
  /** The local image id (sha256:...), for containers. */
  readonly id: string;
  readonly image: Image;

  constructor(scope: Construct, id: string, props: PinnedImageProps) {
    super(scope, id);
    const provider = props.host.dockerProvider();
    const settings = imageLookupOf(this);
    const reference = mirroredReference(props.reference, settings.mirror);
    this.ref = parseImageRef(reference);
    // No dependsOn here: the lookup talks to the registry, not the host, and a data source that waits on a
    // changing resource is read only at apply, which would show every container as replaced.
    let digest = this.ref.digest;
    let lookup: DataDockerRegistryImage | undefined;
    if (digest === undefined) {
      lookup = new DataDockerRegistryImage(this, "registry", { provider, name: reference });
      digest = lookup.sha256Digest;
    }
    const frozen = lookup !== undefined && settings.frozen;
    this.image = new Image(this, "image", {
      provider,
      name: `${this.ref.repository}@${digest}`,
      pullTriggers: [digest],
      // Instances on one host share images: destroying one instance must not delete another's image.
      keepLocally: true,
      ...(props.dependsOn ? { dependsOn: [...props.dependsOn] } : {}),
      ...(frozen ? { lifecycle: { ignoreChanges: ["name", "pull_triggers"] } } : {}),
    });
    // Host commands and env files read a looked-up digest from the image's pull trigger, never straight from
    // the registry, so that a frozen image (above) freezes everything that names it.
    const held = lookup ? Token.asString(Fn.one(this.image.pullTriggers)) : digest;
    this.pinned = `${this.ref.repository}@${held}`;
    this.id = this.image.imageId;
  }
}
