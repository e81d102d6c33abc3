/*
 * What each Hetzner Cloud server type has: vCPUs, memory and local disk, in GB as Hetzner publishes them
 * (https://www.hetzner.com/cloud/, the types sold after 2025-12-31). The config checks judge swap and the
 * workers' memory against them, and the local Hetzner API's catalogue sells them; a unit test holds the types here to those config/data/hetzner-prices.json sells.
 */
export interface ServerTypeSize {
  readonly cores: number;
  readonly memoryGb: number;
  readonly diskGb: number;
}

export const HETZNER_SERVER_TYPE_SIZES: Readonly<Record<string, ServerTypeSize>> = {
  cx23: { cores: 2, memoryGb: 4, diskGb: 40 },
  cx33: { cores: 4, memoryGb: 8, diskGb: 80 },
  cx43: { cores: 8, memoryGb: 16, diskGb: 160 },
  cx53: { cores: 16, memoryGb: 32, diskGb: 320 },
  cpx12: { cores: 1, memoryGb: 2, diskGb: 40 },
  cpx22: { cores: 2, memoryGb: 4, diskGb: 80 },
  cpx32: { cores: 4, memoryGb: 8, diskGb: 160 },
  cpx42: { cores: 8, memoryGb: 16, diskGb: 320 },
  cpx52: { cores: 12, memoryGb: 24, diskGb: 480 },
  cpx62: { cores: 16, memoryGb: 32, diskGb: 640 },
  cax11: { cores: 2, memoryGb: 4, diskGb: 40 },
  cax21: { cores: 4, memoryGb: 8, diskGb: 80 },
  cax31: { cores: 8, memoryGb: 16, diskGb: 160 },
  cax41: { cores: 16, memoryGb: 32, diskGb: 320 },
  ccx13: { cores: 2, memoryGb: 8, diskGb: 80 },
  ccx23: { cores: 4, memoryGb: 16, diskGb: 160 },
  ccx33: { cores: 8, memoryGb: 32, diskGb: 240 },
  ccx43: { cores: 16, memoryGb: 64, diskGb: 360 },
  ccx53: { cores: 32, memoryGb: 128, diskGb: 600 },
  ccx63: { cores: 48, memoryGb: 192, diskGb: 960 },
};
