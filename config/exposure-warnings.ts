import { isWholeInternet, wholeFamilies } from "./cidr";
import type { Organisation } from "./schema";
import type { Check } from "./check";

const OPEN_TO_ALL =
  'opens SSH (the deploy user and every sudo user) to the whole internet; list your office, VPN or CI runner networks instead (docs/hosting.md, "CI must reach the servers over SSH")';

/**
 * Legal but risky settings an operator may want on purpose: warned about at every synth and by doctor,
 * never silently accepted. docs/hosting.md says SSH open to the world is not a supported setup, whether it is
 * written as 0.0.0.0/0 or as networks that together hold every address (0.0.0.0/1 and 128.0.0.0/1).
 */
export function exposureWarnings(org: Organisation): Check[] {
  const networks = org.sshAllowedNetworks;
  const single = networks.flatMap((network, i): Check[] =>
    isWholeInternet(network)
      ? [{ path: ["sshAllowedNetworks", i], message: `${network} ${OPEN_TO_ALL}` }]
      : [],
  );
  const pieces = wholeFamilies(networks)
    .filter((family) => !networks.some((n) => isWholeInternet(n) && n.includes(":") === (family === "IPv6")))
    .map((family) => ({
      path: ["sshAllowedNetworks"],
      message: `holds every ${family} address between its networks, as ${family === "IPv4" ? "0.0.0.0/0" : "::/0"} does: it ${OPEN_TO_ALL}`,
    }));
  return [...single, ...pieces];
}
