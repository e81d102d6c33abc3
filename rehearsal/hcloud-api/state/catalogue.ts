import { HETZNER_SERVER_TYPE_SIZES } from "../../../config/data/hetzner-server-types";
import table from "../../../config/data/hetzner-prices.json";

/**
 * What the local cloud sells: locations, server types and system images, in the JSON shapes of hcloud-go's
 * `schema` package. It follows Hetzner's offer after 2025-12-31, when the CX Gen2 (cx22…cx52) and CPX Gen1
 * (cpx11…cpx51) types were removed from the API: ordering one of those here fails exactly as it fails there.
 * Prices are left out: nothing the provider does with a server reads them (see `npm run cost` for prices).
 * Where each type is sold, and its cores, memory and disk, come from the same tables the organisation files
 * are checked against (config/data/).
 */
export interface Location {
  readonly id: number;
  readonly name: string;
  readonly description: string;
  readonly country: string;
  readonly city: string;
  readonly latitude: number;
  readonly longitude: number;
  readonly network_zone: string;
}

export interface ServerType {
  readonly id: number;
  readonly name: string;
  readonly description: string;
  readonly category: string;
  readonly cores: number;
  readonly memory: number;
  readonly disk: number;
  readonly storage_type: "local";
  readonly cpu_type: "shared" | "dedicated";
  readonly architecture: "x86" | "arm";
  /** Locations where the type is sold. */
  readonly locations: readonly string[];
}

export interface Image {
  readonly id: number;
  readonly name: string;
  readonly description: string;
  readonly os_flavor: string;
  readonly os_version: string;
  readonly architecture: "x86" | "arm";
}

export interface Catalogue {
  readonly locations: readonly Location[];
  readonly serverTypes: readonly ServerType[];
  readonly images: readonly Image[];
}

const SOLD_IN: Readonly<Record<string, readonly string[]>> = table.serverTypeLocations;

function family(
  firstId: number,
  prefix: string,
  suffixes: readonly string[],
  common: Pick<ServerType, "category" | "cpu_type" | "architecture"> & { label: string },
): ServerType[] {
  return suffixes.map((suffix, i) => {
    const name = `${prefix}${suffix}`;
    const size = HETZNER_SERVER_TYPE_SIZES[name];
    return {
      id: firstId + i,
      name,
      description: `${common.label} ${prefix.toUpperCase()}${suffix}`,
      category: common.category,
      cores: size.cores,
      memory: size.memoryGb,
      disk: size.diskGb,
      storage_type: "local",
      cpu_type: common.cpu_type,
      architecture: common.architecture,
      locations: SOLD_IN[name] ?? [],
    };
  });
}

export const HETZNER_CATALOGUE: Catalogue = {
  locations: [
    {
      id: 1,
      name: "fsn1",
      description: "Falkenstein DC Park 1",
      country: "DE",
      city: "Falkenstein",
      latitude: 50.47612,
      longitude: 12.370071,
      network_zone: "eu-central",
    },
    {
      id: 2,
      name: "nbg1",
      description: "Nuremberg DC Park 1",
      country: "DE",
      city: "Nuremberg",
      latitude: 49.452102,
      longitude: 11.076665,
      network_zone: "eu-central",
    },
    {
      id: 3,
      name: "hel1",
      description: "Helsinki DC Park 1",
      country: "FI",
      city: "Helsinki",
      latitude: 60.169855,
      longitude: 24.938379,
      network_zone: "eu-central",
    },
    {
      id: 4,
      name: "ash",
      description: "Ashburn, VA",
      country: "US",
      city: "Ashburn, VA",
      latitude: 39.045821,
      longitude: -77.487073,
      network_zone: "us-east",
    },
    {
      id: 5,
      name: "hil",
      description: "Hillsboro, OR",
      country: "US",
      city: "Hillsboro, OR",
      latitude: 45.54222,
      longitude: -122.951924,
      network_zone: "us-west",
    },
    {
      id: 6,
      name: "sin",
      description: "Singapore",
      country: "SG",
      city: "Singapore",
      latitude: 1.283333,
      longitude: 103.833333,
      network_zone: "ap-southeast",
    },
  ],
  serverTypes: [
    ...family(100, "cx", ["23", "33", "43", "53"], {
      label: "Cost-Optimized",
      category: "cost_optimized",
      cpu_type: "shared",
      architecture: "x86",
    }),
    ...family(110, "cpx", ["12", "22", "32", "42", "52", "62"], {
      label: "Regular Performance",
      category: "regular_purpose",
      cpu_type: "shared",
      architecture: "x86",
    }),
    ...family(120, "cax", ["11", "21", "31", "41"], {
      label: "Cost-Optimized Arm64",
      category: "cost_optimized",
      cpu_type: "shared",
      architecture: "arm",
    }),
    ...family(130, "ccx", ["13", "23", "33", "43", "53", "63"], {
      label: "General Purpose",
      category: "general_purpose",
      cpu_type: "dedicated",
      architecture: "x86",
    }),
  ],
  images: [
    ["debian-12", "Debian 12", "debian", "12"],
    ["debian-13", "Debian 13", "debian", "13"],
    ["ubuntu-22.04", "Ubuntu 22.04", "ubuntu", "22.04"],
    ["ubuntu-24.04", "Ubuntu 24.04", "ubuntu", "24.04"],
  ].flatMap(([name, description, os_flavor, os_version], i) =>
    (["x86", "arm"] as const).map((architecture, j) => ({
      id: 200 + 2 * i + j,
      name,
      description,
      os_flavor,
      os_version,
      architecture,
    })),
  ),
};

export function datacenterName(location: string): string {
  return `${location}-dc1`;
}

/** The API takes an id or a name wherever it takes a location, server type or image. */
export function findByIdOrName<T extends { readonly id: number; readonly name: string }>(
  items: readonly T[],
  idOrName: unknown,
): T | undefined {
  return items.find((item) => item.id === idOrName || item.name === idOrName || String(item.id) === idOrName);
}
