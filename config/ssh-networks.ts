import { unreachableKind } from "./cidr";
import type { Organisation } from "./schema";
import type { Check } from "./check";

/**
 * SSH is the only way in: Terraform deploys through it and operators administer through it. A list of
 * networks that no operator can connect from (loopback, link-local, multicast) locks everyone out from the
 * first boot, which only Hetzner's rescue console undoes.
 */
export function sshLockout(org: Organisation): Check[] {
  const kinds = org.sshAllowedNetworks.map(unreachableKind);
  if (kinds.some((kind) => kind === undefined)) return [];
  const listed = org.sshAllowedNetworks.map((n, i) => `${n} (${kinds[i]})`).join(", ");
  return [
    {
      path: ["sshAllowedNetworks"],
      message: `holds only networks no operator connects from: ${listed}; Terraform and every user would be locked out of SSH. List the networks you connect from (your office, VPN or CI runner)`,
    },
  ];
}
