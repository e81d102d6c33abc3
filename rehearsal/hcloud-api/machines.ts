/**
 * What the local Hetzner Cloud API asks of the machines behind its servers. For plans nothing boots
 * (`noMachines`); the rehearsal plugs in booted Debian machines (systemd-nspawn in a network namespace).
 */
export interface ServerMachineSpec {
  /** The server's id in the API. */
  readonly id: number;
  /** The server's name, in this project its FQDN. */
  readonly name: string;
  /** The addresses the API reports for the server; the machine must answer on them. */
  readonly ipv4: string;
  readonly ipv6: string;
  /** cloud-init user data exactly as the client sent it. */
  readonly userData: string;
  /** Public keys of the server's `ssh_keys`, for cloud-init's meta-data. */
  readonly publicKeys: readonly string[];
}

/**
 * How a machine stops. `cut`: its power is cut, and nothing on it gets to stop (Hetzner's `poweroff` and
 * `reset`, what the hcloud provider does before a type change). `halt`: its system shuts down cleanly
 * (`shutdown` and `reboot`, an ACPI request).
 */
export type PowerOff = "cut" | "halt";

export interface MachineBackend {
  /** Creates and boots the machine; resolves once it is running (the create action then succeeds). */
  create(spec: ServerMachineSpec): Promise<void>;
  powerOff(id: number, how: PowerOff): Promise<void>;
  powerOn(id: number): Promise<void>;
  /** Stops the machine and removes everything of it from this machine. */
  remove(id: number): Promise<void>;
}

/** A cloud with no machines behind it: enough for `plan`, and for API-level tests. */
export const noMachines: MachineBackend = {
  create: async () => {},
  powerOff: async () => {},
  powerOn: async () => {},
  remove: async () => {},
};
