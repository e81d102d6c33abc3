import { parseDocument } from "yaml";
import type { Organisation } from "../../config/schema";

/** One setting the rehearsal changes in its copy of the organisation file or in the environment. */
export interface Swap {
  /** The field (organisation file) or variable (environment). */
  readonly setting: string;
  readonly written: string;
  readonly rehearsed: string;
}

/** What only the local cloud can provide, for the copy of an organisation file. */
export interface LocalParts {
  /** host:port of the local registry. */
  readonly registry: string;
  /** The operator's key the rehearsal made (its agent holds the private half). */
  readonly operatorKey: string;
  readonly operatorUser: string;
  /** This machine's addresses on the rehearsal network, as CIDRs (x.x.x.x/32, ...::1/128). */
  readonly operatorNetworks: readonly string[];
  /** An existing server's host key: the rehearsal's machine has its own. */
  readonly hostKey?: string;
  /** pebble, when the organisation uses ACME. */
  readonly acme?: { readonly directory: string; readonly dnsServer: string };
}

const shown = (value: unknown) => (value === undefined ? "(not set)" : JSON.stringify(value));

/**
 * The organisation file as the rehearsal deploys it: the text as written, with only the parts that must be
 * local swapped (the registry, pebble and its DNS) and the rehearsal's operator added (a sudo user, the
 * gateway in sshAllowedNetworks, an existing server's host key). Comments and everything else stay as they
 * are. Returns the text and every swap, to be printed.
 */
export function rehearsalOrganisation(
  text: string,
  org: Organisation,
  local: LocalParts,
): { text: string; swaps: Swap[] } {
  const document = parseDocument(text);
  const swaps: Swap[] = [];
  const set = (path: string[], value: unknown) => {
    swaps.push({ setting: path.join("."), written: shown(document.getIn(path)), rehearsed: shown(value) });
    document.setIn(path, value);
  };
  const add = (path: string[], value: unknown, label: string) => {
    swaps.push({ setting: path.join("."), written: "", rehearsed: `+ ${label}` });
    document.addIn(path, value);
  };

  set(["images", "registryMirror"], local.registry);
  if (org.acme.mode === "acme" && local.acme) {
    set(["acme", "directory"], local.acme.directory);
    set(["acme", "dnsProvider"], "exec");
    set(["acme", "recursiveNameservers"], [local.acme.dnsServer]);
    // pebble-challtestsrv answers no SOA, which lego's complete-propagation check asks for.
    set(["acme", "disableCompletePropagation"], true);
  }
  add(
    ["users"],
    { name: local.operatorUser, sudo: true, keys: [local.operatorKey] },
    `${local.operatorUser} (sudo), key ${local.operatorKey}`,
  );
  for (const network of local.operatorNetworks) add(["sshAllowedNetworks"], network, network);
  if (org.server.provider === "existing" && local.hostKey) set(["server", "hostKey"], local.hostKey);
  return { text: document.toString({ lineWidth: 0 }), swaps };
}

/** One line per swap, for the rehearsal's output. */
export function formatSwaps(swaps: readonly Swap[]): string[] {
  return swaps.map((s) =>
    s.written === "" ? `  ${s.setting}: ${s.rehearsed}` : `  ${s.setting}: ${s.written} -> ${s.rehearsed}`,
  );
}
