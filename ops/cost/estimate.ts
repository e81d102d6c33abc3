import type { LoadedOrganisation } from "../../config/load";
import { resolveOrganisation, type BillableServer } from "../../config/model/organisation-model";
import type { PriceTable } from "./price-table";
import { stackName } from "../../config/model/names";

/** Something the stack makes Hetzner bill for, with the organisation file field that asks for it. */
export type Billable =
  | ({ readonly kind: "server" } & BillableServer)
  | { readonly kind: "volume"; readonly label: string; readonly field: string; readonly sizeGb: number }
  | { readonly kind: "unmanaged"; readonly label: string; readonly note: string };

export interface CostLine {
  readonly item: string;
  readonly detail: string;
  /** EUR a month; undefined when the prices at hand have none for it. */
  readonly monthly?: number;
}

export interface Estimate {
  readonly organisation: string;
  readonly lines: readonly CostLine[];
  /** The sum of the lines that have a price. */
  readonly total: number;
  /** False when some line has no price: the total is then a lower bound. */
  readonly complete: boolean;
}

/**
 * What an organisation's stack creates at Hetzner. Each server has a primary IPv4 address (the sites
 * and the scanners need one). Worker hosts keep no data, so they have no backups. The stack creates
 * no volumes yet.
 */
export function billablesOf({ organisation: org }: LoadedOrganisation): Billable[] {
  const servers = resolveOrganisation(org).billableServers.map((s): Billable => ({ kind: "server", ...s }));
  if (org.server.provider === "hetzner") return servers;
  return [
    {
      kind: "unmanaged",
      label: `server ${org.server.fqdn}`,
      note: "existing server: not managed or billed through this stack",
    },
    ...servers,
  ];
}

export function estimate(loaded: LoadedOrganisation, prices: PriceTable): Estimate {
  const lines = billablesOf(loaded).flatMap((b) => priceOf(b, prices));
  const total = round(lines.reduce((sum, l) => sum + (l.monthly ?? 0), 0));
  return {
    organisation: loaded.organisation.name,
    lines,
    total,
    complete: lines.every((l) => l.monthly !== undefined),
  };
}

export function priceOf(billable: Billable, prices: PriceTable): CostLine[] {
  switch (billable.kind) {
    case "unmanaged":
      return [{ item: billable.label, detail: billable.note, monthly: 0 }];
    case "volume":
      return [
        {
          item: billable.label,
          detail: `${billable.sizeGb} GB volume`,
          monthly: round(billable.sizeGb * prices.volumePerGbMonthly),
        },
      ];
    case "server": {
      const { type, location, count } = billable;
      const each = prices.serverTypesMonthly[type]?.[location];
      const times = count > 1 ? `${count} × ` : "";
      const ipv4 = prices.primaryIpv4Monthly[location] ?? 0;
      if (each === undefined) {
        // A type the catalogue sells (config/server-catalogue.ts) that the prices at hand do not list.
        return [
          { item: billable.label, detail: `${times}${type} in ${location}: no price in this table` },
          ...(billable.backups
            ? [{ item: "  backups", detail: `${prices.backupPercentage}% of the server price` }]
            : []),
          { item: "  primary IPv4", detail: `${times}one address`, monthly: round(count * ipv4) },
        ];
      }
      const lines: CostLine[] = [
        { item: billable.label, detail: `${times}${type} in ${location}`, monthly: round(count * each) },
      ];
      if (billable.backups) {
        lines.push({
          item: "  backups",
          detail: `${prices.backupPercentage}% of the server price`,
          monthly: round((count * each * prices.backupPercentage) / 100),
        });
      }
      lines.push({ item: "  primary IPv4", detail: `${times}one address`, monthly: round(count * ipv4) });
      return lines;
    }
  }
}

const round = (euros: number) => Math.round(euros * 100) / 100;

export function renderEstimates(estimates: readonly Estimate[], prices: PriceTable): string {
  const euros = (n: number | undefined) => (n === undefined ? "?" : n.toFixed(2)).padStart(8);
  const out = [`Monthly cost in EUR excluding VAT (${prices.origin})`];
  if (prices.caveat) out.push(`Note: ${prices.caveat}`);
  out.push("");
  for (const e of estimates) {
    const width = Math.max(...e.lines.map((l) => l.item.length)) + 2;
    const detailWidth = Math.max(...e.lines.map((l) => l.detail.length)) + 2;
    out.push(stackName(e.organisation));
    for (const l of e.lines)
      out.push(`  ${l.item.padEnd(width)}${l.detail.padEnd(detailWidth)}${euros(l.monthly)}`);
    const total = e.complete
      ? "total"
      : "total, without the lines marked ? (set HCLOUD_TOKEN for today's prices)";
    out.push(`  ${total.padEnd(width + detailWidth)}${euros(e.total)}`, "");
  }
  if (estimates.length > 1)
    out.push(`All organisations: ${euros(round(estimates.reduce((s, e) => s + e.total, 0))).trim()}`, "");
  return out.join("\n");
}
