/** An image reference from the organisation file, split so that it can be pinned by digest. */
export interface ImageRef {
  /** Registry and path without tag or digest, e.g. websecmap/websecmap. */
  readonly repository: string;
  readonly tag?: string;
  /** sha256:... when the file pins the image already. */
  readonly digest?: string;
}

export function parseImageRef(reference: string): ImageRef {
  const [nameAndTag, digest] = reference.split("@");
  const lastSlash = nameAndTag.lastIndexOf("/");
  const colon = nameAndTag.indexOf(":", lastSlash + 1);
  const repository = colon === -1 ? nameAndTag : nameAndTag.slice(0, colon);
  const tag = colon === -1 ? undefined : nameAndTag.slice(colon + 1);
  if (repository === "" || (digest !== undefined && !/^sha256:[a-f0-9]{64}$/.test(digest))) {
    throw new Error(
      `'${reference}' is not a docker image reference (for example websecmap/websecmap:latest)`,
    );
  }
  return { repository, tag, digest };
}

/**
 * The Django management command the image's entrypoint is named after (websecmap/websecmap ships
 * /usr/local/bin/websecmap, failmap/failmap ships failmap). Health checks run outside the entrypoint and need it.
 */
export function manageCommand(image: ImageRef): string {
  return image.repository.slice(image.repository.lastIndexOf("/") + 1);
}
