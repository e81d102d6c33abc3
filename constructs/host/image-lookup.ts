import type { IConstruct } from "constructs";

/*
 * How PinnedImage looks images up below a scope: both settings are construct context, set on the app or the
 * stack before anything is added to it, and read here only.
 */
const MIRROR_KEY = "failmap:registryMirror";
const FROZEN_KEY = "failmap:freezeImageLookups";

/** Every image below `scope` is pulled through `mirror`. */
export function useRegistryMirror(scope: IConstruct, mirror: string | undefined): void {
  if (mirror) scope.node.setContext(MIRROR_KEY, mirror);
}

/** Every image below `scope` looked up by tag keeps the digest in state (see PinnedImage). */
export function freezeImageLookups(scope: IConstruct): void {
  scope.node.setContext(FROZEN_KEY, true);
}

export interface ImageLookup {
  readonly mirror?: string;
  readonly frozen: boolean;
}

export function imageLookupOf(scope: IConstruct): ImageLookup {
  return {
    mirror: scope.node.tryGetContext(MIRROR_KEY) as string | undefined,
    frozen: scope.node.tryGetContext(FROZEN_KEY) === true,
  };
}

/**
 * The reference as the mirror serves it. Docker Hub images keep their path (official images under
 * library/); an image of another registry keeps that registry's host as the first path component, the
 * layout of a pull-through mirror that serves several upstreams.
 */
export function mirroredReference(reference: string, mirror: string | undefined): string {
  if (!mirror) return reference;
  const [first, ...rest] = reference.split("/");
  const hasRegistry = rest.length > 0 && (/[.:]/.test(first) || first === "localhost");
  if (hasRegistry) return `${mirror}/${reference}`;
  return `${mirror}/${rest.length === 0 ? `library/${first}` : reference}`;
}
