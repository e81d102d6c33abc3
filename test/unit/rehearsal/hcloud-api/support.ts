import type { AddressInfo } from "node:net";
import { createHcloudApi, type HcloudApi, type HcloudApiOptions } from "../../../../rehearsal/hcloud-api/api";
import type { MachineBackend, PowerOff, ServerMachineSpec } from "../../../../rehearsal/hcloud-api/machines";

/** How long a test waits for an action or a machine call before it fails: far more than either takes. */
const PATIENCE_MS = 2000;

export interface Answer {
  readonly status: number;
  readonly body: any;
}

export interface RunningApi {
  readonly api: HcloudApi;
  call(method: string, path: string, body?: unknown, token?: string): Promise<Answer>;
  /** Polls `GET /actions?id=` as hcloud-go does, until the action is no longer running. */
  waitFor(actionId: number): Promise<any>;
  close(): Promise<void>;
}

/** The local Hetzner API on a free port of 127.0.0.1, spoken to with plain fetch. */
export async function startApi(options: HcloudApiOptions = {}): Promise<RunningApi> {
  const api = createHcloudApi(options);
  await new Promise<void>((resolve) => api.server.listen(0, "127.0.0.1", resolve));
  const base = `http://127.0.0.1:${(api.server.address() as AddressInfo).port}/v1`;
  const call = async (method: string, path: string, body?: unknown, token = api.token): Promise<Answer> => {
    const response = await fetch(base + path, {
      method,
      headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, body: text ? JSON.parse(text) : undefined };
  };
  return {
    api,
    call,
    async waitFor(actionId) {
      const deadline = Date.now() + PATIENCE_MS;
      for (;;) {
        const { body } = await call("GET", `/actions?id=${actionId}&sort=status&sort=id`);
        const action = body.actions[0];
        if (action.status !== "running") return action;
        if (Date.now() > deadline) throw new Error(`action ${actionId} still runs after ${PATIENCE_MS} ms`);
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
    },
    async close() {
      // Actions a ManualMachines never settled stay pending; they hold no timer and do not keep Jest alive.
      const closed = new Promise<void>((resolve) => api.server.close(() => resolve()));
      api.server.closeAllConnections();
      await closed;
    },
  };
}

/** A machine backend whose calls the test settles by hand, and which records what it was asked. */
export class ManualMachines implements MachineBackend {
  readonly created: ServerMachineSpec[] = [];
  readonly removed: number[] = [];
  /** How each power-off stopped its machine, in order. */
  readonly poweredOff: PowerOff[] = [];
  private readonly waiting: { resolve: () => void; reject: (error: Error) => void }[] = [];

  create(spec: ServerMachineSpec): Promise<void> {
    this.created.push(spec);
    return this.wait();
  }

  powerOff(_id: number, how: PowerOff): Promise<void> {
    this.poweredOff.push(how);
    return this.wait();
  }

  powerOn(): Promise<void> {
    return this.wait();
  }

  remove(id: number): Promise<void> {
    this.removed.push(id);
    return this.wait();
  }

  /** Settles the oldest call that still waits; fails when the API never made one. */
  async settle(error?: Error): Promise<void> {
    const deadline = Date.now() + PATIENCE_MS;
    while (this.waiting.length === 0) {
      if (Date.now() > deadline) throw new Error(`the API made no machine call within ${PATIENCE_MS} ms`);
      await new Promise((resolve) => setTimeout(resolve, 1));
    }
    const call = this.waiting.shift()!;
    if (error) call.reject(error);
    else call.resolve();
  }

  private wait(): Promise<void> {
    return new Promise((resolve, reject) => this.waiting.push({ resolve, reject }));
  }
}

export const PUBLIC_KEY = keyOfType("ssh-ed25519", 1);
export const OTHER_PUBLIC_KEY = keyOfType("ssh-ed25519", 2);

/** A syntactically valid OpenSSH public key; `seed` makes its fingerprint differ from the others. */
export function keyOfType(type: string, seed: number): string {
  const name = Buffer.from(type);
  const length = Buffer.alloc(4);
  length.writeUInt32BE(name.length);
  const body = Buffer.concat([length, name, Buffer.from([0, 0, 0, 32]), Buffer.alloc(32, seed)]);
  return `${type} ${body.toString("base64")} test@example`;
}

export const SERVER = {
  name: "main.example.org",
  server_type: "cx23",
  location: "nbg1",
  image: "debian-12",
  labels: { role: "main" },
};
