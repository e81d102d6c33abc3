import { ZoneRrset } from "../../.gen/providers/hcloud/zone-rrset";
import { Construct } from "constructs";
import type { Host } from "./host";

export interface DnsRecordsProps {
  readonly host: Host;
  /** A zone hosted in Hetzner DNS (part of the Cloud API). Names outside it are left to the operator. */
  readonly zone: string;
  readonly names: readonly string[];
}

/** A and AAAA records pointing every name a host serves at that host. */
export class DnsRecords extends Construct {
  readonly records: ZoneRrset[] = [];

  constructor(scope: Construct, id: string, props: DnsRecordsProps) {
    super(scope, id);
    const inZone = props.names.filter((n) => n === props.zone || n.endsWith(`.${props.zone}`));
    for (const name of inZone) {
      const label = name === props.zone ? "@" : name.slice(0, -(props.zone.length + 1));
      const records = { A: props.host.ipv4Address, AAAA: props.host.ipv6Address };
      for (const [type, value] of Object.entries(records)) {
        if (!value) continue;
        // The ID is the name, not a position, so adding a name never touches the others.
        const record = new ZoneRrset(this, `${type}-${name}`, {
          zone: props.zone,
          name: label,
          type,
          // Short, so that moving to a new server does not keep visitors on the old one for long.
          ttl: 300,
          records: [{ value, comment: `failmap ${props.host.name}` }],
        });
        this.records.push(record);
      }
    }
  }
}
