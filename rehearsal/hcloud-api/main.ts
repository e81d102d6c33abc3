import fs from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import { createHcloudApi, REHEARSAL_TOKEN } from "./api";
import { DEFAULT_ADDRESS_POOLS } from "./state/addresses";
import type { Seed, StateSnapshot } from "./state/state";

const USAGE = `Usage: tsx rehearsal/hcloud-api/main.ts [options]

A local, stateful Hetzner Cloud API for the hcloud Terraform provider (endpoint setting or HCLOUD_ENDPOINT).
Its servers are records only: no machine boots (the rehearsal plugs booted machines in through createHcloudApi).

  --port N          port to listen on (default: any free port)
  --listen ADDR     address to listen on (default: 127.0.0.1)
  --seed FILE       JSON {"zones": [{"name": "example.org", "rrsets": [...]}]}: what the operator made beforehand
  --state FILE      keep the objects in FILE, so that a restart finds them again
  --token TOKEN     the 64-character API token to accept (default: $HCLOUD_TOKEN, else a fixed test token)
  --ipv4-pool CIDR  where server IPv4 addresses come from (default: ${DEFAULT_ADDRESS_POOLS.ipv4})
  --ipv6-pool CIDR  where server IPv6 /64 networks come from (default: ${DEFAULT_ADDRESS_POOLS.ipv6})
`;

function main(): void {
  const { values } = parseArgs({
    options: {
      port: { type: "string", default: "0" },
      listen: { type: "string", default: "127.0.0.1" },
      seed: { type: "string" },
      state: { type: "string" },
      token: { type: "string", default: process.env.HCLOUD_TOKEN ?? REHEARSAL_TOKEN },
      "ipv4-pool": { type: "string", default: DEFAULT_ADDRESS_POOLS.ipv4 },
      "ipv6-pool": { type: "string", default: DEFAULT_ADDRESS_POOLS.ipv6 },
      help: { type: "boolean", default: false },
    },
  });
  if (values.help) {
    process.stdout.write(USAGE);
    return;
  }
  if (values.token.length !== 64)
    throw new Error("--token: the hcloud provider only accepts tokens of 64 characters");

  const seed = values.seed ? (JSON.parse(fs.readFileSync(values.seed, "utf8")) as Seed) : undefined;
  const api = createHcloudApi({
    seed,
    token: values.token,
    addressPools: { ipv4: values["ipv4-pool"], ipv6: values["ipv6-pool"] },
  });
  if (values.state) persist(api.state, values.state);

  api.server.listen(Number(values.port), values.listen, () => {
    process.stdout.write(`HCLOUD_ENDPOINT=${api.endpoint()}\nHCLOUD_TOKEN=${api.token}\n`);
  });
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.once(signal, () => {
      api.server.close();
      void api.state.actions.settled().then(() => process.exit(0));
    });
  }
}

/** Restores the state from `file` when it exists, then writes it back after every change (atomically). */
function persist(state: ReturnType<typeof createHcloudApi>["state"], file: string): void {
  if (fs.existsSync(file)) state.restore(JSON.parse(fs.readFileSync(file, "utf8")) as StateSnapshot);
  let scheduled = false;
  const write = () => {
    scheduled = false;
    const temporary = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}`);
    fs.writeFileSync(temporary, JSON.stringify(state.snapshot(), null, 2));
    fs.renameSync(temporary, file);
  };
  state.onChange(() => {
    if (!scheduled) {
      scheduled = true;
      setImmediate(write);
    }
  });
  write();
}

main();
