import type { LoadedOrganisation } from "../config/load";

/** The organisation called `name` among those loaded from `dir`, or an error that lists the known ones. */
export function pickOrganisation(
  all: readonly LoadedOrganisation[],
  name: string,
  dir: string,
): LoadedOrganisation {
  const found = all.find((o) => o.organisation.name === name);
  if (!found) {
    const known = all.map((o) => o.organisation.name).join(", ");
    throw new Error(
      `No organisation '${name}' in ${dir} (known: ${known}); the name is the file name without .yaml`,
    );
  }
  return found;
}
