import { execFileSync } from "node:child_process";
import fs from "node:fs";
import { networkOf } from "../../config/cidr";

/** An IPv4 route of this machine, as `ip -4 -j route` gives it. */
export interface MachineRoute {
  /** "default", a network ("192.0.2.0/24") or a single address ("10.255.255.53"). */
  readonly dst: string;
  readonly dev: string;
}

/** What this machine already sends somewhere else: its IPv4 resolvers and routes. */
export interface ThisMachine {
  readonly nameservers: readonly string[];
  readonly routes: readonly MachineRoute[];
}

const withLength = (network: string) => (network.includes("/") ? network : `${network}/32`);

function overlaps(a: string, b: string): boolean {
  const shorter = Math.min(Number(a.split("/")[1]), Number(b.split("/")[1]));
  const at = (cidr: string) => networkOf(`${cidr.split("/")[0]}/${shorter}`);
  return at(a) === at(b);
}

/**
 * Why a rehearsal bridge holding `gateway4` (e.g. "10.250.0.1/16") would take traffic this machine sends
 * elsewhere, or undefined. A bridge on 10.255.0.1/16 took the route to a resolver at 10.255.255.53, and every
 * name lookup on the machine failed while it was up. The bridge's own route (device `bridge`) and the default
 * route are not clashes.
 */
export function addressClash(gateway4: string, bridge: string, machine: ThisMachine): string | undefined {
  const resolver = machine.nameservers.find((address) => overlaps(gateway4, `${address}/32`));
  if (resolver) return `this machine's resolver ${resolver} (/etc/resolv.conf) is inside it`;
  const route = machine.routes.find(
    ({ dst, dev }) => dst !== "default" && dev !== bridge && overlaps(gateway4, withLength(dst)),
  );
  if (route) return `it overlaps this machine's route to ${route.dst} on ${route.dev}`;
  return undefined;
}

/** This machine's IPv4 resolvers and routes, read now. */
export function thisMachine(): ThisMachine {
  const nameservers = fs
    .readFileSync("/etc/resolv.conf", "utf8")
    .split("\n")
    .map((line) => /^\s*nameserver\s+(\d+\.\d+\.\d+\.\d+)\s*$/.exec(line)?.[1])
    .filter((address): address is string => address !== undefined);
  const routes = JSON.parse(
    execFileSync("ip", ["-4", "-j", "route"], { encoding: "utf8" }),
  ) as MachineRoute[];
  return { nameservers, routes };
}
