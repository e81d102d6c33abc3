import type { IConstruct } from "constructs";

const CONTEXT_KEY = "failmap:registryMirror";

/** Every image below `scope` is pulled through `mirror`; set on the stack before anything is added to it. */
export function useRegistryMirror(scope: IConstruct, mirror: string | undefined): void {
  if (mirror) scope.node.setContext(CONTEXT_KEY, mirror);
}

export function registryMirrorOf(scope: IConstruct): string | undefined {
  return scope.node.tryGetContext(CONTEXT_KEY) as string | undefined;
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
