import table from "../../../../config/data/hetzner-prices.json";
import { HETZNER_CATALOGUE } from "../../../../rehearsal/hcloud-api/state/catalogue";

/*
 * The local cloud sells what the organisation files may order (config/server-catalogue.ts reads the same
 * table): a type the checks accept must not be refused by the rehearsal, nor the other way round.
 */
test("the local Hetzner API sells exactly the server types and locations of config/data/hetzner-prices.json", () => {
  const sold = Object.fromEntries(
    HETZNER_CATALOGUE.serverTypes.map((t) => [t.name, [...t.locations].sort()]),
  );
  const ordered = Object.fromEntries(
    Object.entries(table.serverTypeLocations).map(([type, locations]) => [type, [...locations].sort()]),
  );
  expect(sold).toEqual(ordered);
  expect(HETZNER_CATALOGUE.locations.map((l) => l.name).sort()).toEqual([...table.locations].sort());
  for (const replaced of Object.keys(table.replacedServerTypes)) expect(sold[replaced]).toBeUndefined();
});
