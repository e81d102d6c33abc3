import { isWholeInternet } from "./cidr";
import type { Organisation } from "./schema";
import type { Check } from "./semantic-checks";

/**
 * Legal but risky settings an operator may want on purpose: warned about at every synth and by doctor,
 * never silently accepted. docs/hosting.md says SSH open to the world is not a supported setup.
 */
export function exposureWarnings(org: Organisation): Check[] {
  return org.sshAllowedNetworks.flatMap((network, i): Check[] =>
    isWholeInternet(network)
      ? [
          {
            path: ["sshAllowedNetworks", i],
            message: `${network} opens SSH (the deploy user and every sudo user) to the whole internet; list your office, VPN or CI runner networks instead (docs/hosting.md, "CI must reach the servers over SSH")`,
          },
        ]
      : [],
  );
}
