import table from "./data/hetzner-prices.json";

/*
 * The Hetzner Cloud server types and locations the stack can order: one table,
 * config/data/hetzner-prices.json, which `npm run cost` prices from too and the local Hetzner API sells from
 * (rehearsal/hcloud-api). A type or location missing here would only fail at apply time.
 */
export const SERVER_CATALOGUE_FILE = "config/data/hetzner-prices.json";

export const HETZNER_LOCATIONS = table.locations as [string, ...string[]];

const SOLD_IN: Readonly<Record<string, readonly string[]>> = table.serverTypeLocations;
/** Types Hetzner no longer sells, with their successors (the table says where that comes from). */
const REPLACED_BY: Readonly<Record<string, string>> = table.replacedServerTypes;

/** Why a server of `type` cannot be ordered in `location`, naming the field to change; or undefined. */
export function serverTypeProblem(
  type: string,
  location: string,
): { field: "type" | "location"; message: string } | undefined {
  const locations = SOLD_IN[type];
  const successor = REPLACED_BY[type];
  if (successor) {
    return {
      field: "type",
      message: `'${type}' is no longer sold by Hetzner; its successor is ${successor} (${SERVER_CATALOGUE_FILE}: replacedServerTypes). A server that exists keeps its type; write ${successor} for a new one`,
    };
  }
  if (!locations) {
    return {
      field: "type",
      message: `'${type}' is not a Hetzner Cloud server type in ${SERVER_CATALOGUE_FILE} (table of ${table.pricesAsOf}: ${Object.keys(SOLD_IN).join(", ")}); pick one of those, or, if Hetzner sells it now, add it to that file with its locations and price`,
    };
  }
  if (!locations.includes(location)) {
    return {
      field: "location",
      message: `'${type}' is not sold in ${location} (${SERVER_CATALOGUE_FILE}: only in ${locations.join(", ")}); pick one of those locations, or a type sold in ${location}: ${Object.keys(
        SOLD_IN,
      )
        .filter((t) => SOLD_IN[t].includes(location))
        .join(", ")}`,
    };
  }
  return undefined;
}

/** The types Hetzner sells in `location` today (replaced ones left out), in the table's order. */
export function typesSoldIn(location: string): string[] {
  return Object.keys(SOLD_IN).filter((type) => SOLD_IN[type].includes(location) && !REPLACED_BY[type]);
}
