import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { renderNftables } from "../../../constructs/bootstrap/nftables";
import { requireProgram } from "../support/programs";

// Budget of each test and hook: the slowest test 4.4 s, the namespaces and their programs 9.1 s, with stress-
// ng --cpu 2 beside another system-tier run and other work on the 2-core machine (load 16 to 36, 7 December).
jest.setTimeout(60_000);

/*
 * The rendered host firewall in a kernel, between network namespaces made here: a "host" with two docker
 * bridges (the default docker0 and a user-defined br-…), a "container" behind each, and an "internet" beyond
 * the host's uplink that also holds the metadata address, as Hetzner's metadata service sits beyond the
 * gateway. The metadata service serves user_data, and user_data holds the server's SSH host private key.
 */

const run = (command: string, args: readonly string[]) =>
  execFileSync(command, args, { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });

const tag = `${process.pid}`;
const HOST = `fmfw-host-${tag}`;
const INTERNET = `fmfw-net-${tag}`;
const METADATA = "169.254.169.254";
/** The host's uplink and the internet, and one container network per bridge (all inside these namespaces). */
const UPLINK = { host: "10.250.40.1", internet: "10.250.40.2" };
const BRIDGES = [
  {
    name: "docker0",
    net: "10.250.41.0/24",
    gateway: "10.250.41.1",
    container: "10.250.41.2",
    ns: `fmfw-c0-${tag}`,
  },
  {
    name: "br-0123456789ab",
    net: "10.250.42.0/24",
    gateway: "10.250.42.1",
    container: "10.250.42.2",
    ns: `fmfw-c1-${tag}`,
  },
];
const SSH_PORT = 22;
const APP_PORT = 8000;

const inNs = (ns: string, command: string, args: readonly string[] = []) =>
  run("ip", ["netns", "exec", ns, command, ...args]);

/**
 * A plain HTTP listener in a namespace, answering "<name>" on every request: the firewall decides whether a
 * connection gets there, so what listens does not matter (the SSH "port" is an HTTP listener too).
 */
function listen(ns: string, address: string, port: number, name: string): ChildProcess {
  const code =
    `require("node:http").createServer((q, r) => r.end(${JSON.stringify(name)}))` +
    `.listen(${port}, ${JSON.stringify(address)}, () => console.log("listening"))`;
  return spawn("ip", ["netns", "exec", ns, process.execPath, "-e", code], {
    stdio: ["ignore", "pipe", "pipe"],
  });
}

/**
 * What a client in a namespace gets from http://address:port: the listener's name, or "dropped" when no
 * connection is made within 2 s (the firewall drops, it does not reject). `as` runs curl as that uid:gid.
 */
function reach(ns: string, address: string, port: number, as?: string): string {
  const curl = ["curl", "-s", "--connect-timeout", "2", `http://${address}:${port}/`];
  const command = as ? ["chroot", `--userspec=${as}`, "/", ...curl] : curl;
  try {
    return inNs(ns, command[0], command.slice(1));
  } catch (error) {
    if ((error as { status?: number }).status === 28) return "dropped";
    throw error;
  }
}

const machineRuleset = () => run("nft", ["list", "ruleset"]);

describe("the host firewall and containers (network namespaces)", () => {
  const listeners: ChildProcess[] = [];
  let rulesetBefore = "";
  const rulesFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "failmap-fw-")), "failmap.nft");

  beforeAll(async () => {
    for (const [program, pkg] of [
      ["ip", "iproute2"],
      ["nft", "nftables"],
      ["curl", "curl"],
      ["chroot", "coreutils"],
    ]) {
      requireProgram(program, pkg);
    }
    rulesetBefore = machineRuleset();
    for (const ns of [HOST, INTERNET, ...BRIDGES.map((b) => b.ns)]) {
      run("ip", ["netns", "add", ns]);
      inNs(ns, "ip", ["link", "set", "lo", "up"]);
    }
    inNs(HOST, "sysctl", ["-qw", "net.ipv4.ip_forward=1"]);

    // The uplink: the host's side and the internet's, which routes the container networks back to the host.
    run("ip", ["link", "add", "fmfw-up", "netns", HOST, "type", "veth", "peer", "eth0", "netns", INTERNET]);
    inNs(HOST, "ip", ["addr", "add", `${UPLINK.host}/24`, "dev", "fmfw-up"]);
    inNs(HOST, "ip", ["link", "set", "fmfw-up", "up"]);
    inNs(INTERNET, "ip", ["addr", "add", `${UPLINK.internet}/24`, "dev", "eth0"]);
    inNs(INTERNET, "ip", ["addr", "add", `${METADATA}/32`, "dev", "lo"]);
    inNs(INTERNET, "ip", ["link", "set", "eth0", "up"]);
    inNs(HOST, "ip", ["route", "add", `${METADATA}/32`, "via", UPLINK.internet]);

    for (const bridge of BRIDGES) {
      inNs(HOST, "ip", ["link", "add", bridge.name, "type", "bridge"]);
      inNs(HOST, "ip", ["addr", "add", `${bridge.gateway}/24`, "dev", bridge.name]);
      inNs(HOST, "ip", ["link", "set", bridge.name, "up"]);
      run("ip", [
        "link",
        "add",
        "fmfw-port",
        "netns",
        HOST,
        "type",
        "veth",
        "peer",
        "eth0",
        "netns",
        bridge.ns,
      ]);
      inNs(HOST, "ip", ["link", "set", "fmfw-port", "name", `${bridge.name.slice(0, 3)}-port`]);
      inNs(HOST, "ip", ["link", "set", `${bridge.name.slice(0, 3)}-port`, "master", bridge.name, "up"]);
      inNs(bridge.ns, "ip", ["addr", "add", `${bridge.container}/24`, "dev", "eth0"]);
      inNs(bridge.ns, "ip", ["link", "set", "eth0", "up"]);
      inNs(bridge.ns, "ip", ["route", "add", "default", "via", bridge.gateway]);
      inNs(INTERNET, "ip", ["route", "add", bridge.net, "via", UPLINK.host]);
    }

    listeners.push(
      listen(INTERNET, UPLINK.internet, 443, "internet"),
      listen(INTERNET, METADATA, 80, "metadata"),
      listen(HOST, "0.0.0.0", SSH_PORT, "ssh"),
      listen(HOST, "127.0.0.1", APP_PORT, "app"),
    );
    await Promise.all(
      listeners.map(
        (listener) =>
          new Promise<void>((resolve, reject) => {
            listener.stdout?.once("data", () => resolve());
            listener.once("exit", (code) => reject(new Error(`a listener exited with ${code}`)));
          }),
      ),
    );

    // SSH open to the whole internet: the case where nothing but the container rules keeps containers out.
    fs.writeFileSync(
      rulesFile,
      renderNftables({
        sshPort: SSH_PORT,
        sshSources: ["0.0.0.0/0", "::/0"],
        rules: [{ description: "HTTPS", protocol: "tcp", port: 443, sources: ["0.0.0.0/0", "::/0"] }],
      }),
    );
    inNs(HOST, "nft", ["-f", rulesFile]);
  });

  afterAll(async () => {
    await Promise.all(
      listeners.map((listener) => {
        if (listener.exitCode !== null) return undefined;
        const exited = new Promise((resolve) => listener.once("exit", resolve));
        listener.kill("SIGTERM");
        return exited;
      }),
    );
    for (const ns of [HOST, INTERNET, ...BRIDGES.map((b) => b.ns)]) {
      try {
        run("ip", ["netns", "delete", ns]);
      } catch {
        // Not made: beforeAll failed before it.
      }
    }
    fs.rmSync(path.dirname(rulesFile), { recursive: true, force: true });
    // The machine's own ruleset is as it was: everything above happened inside the namespaces.
    expect(machineRuleset()).toBe(rulesetBefore);
  });

  describe.each(BRIDGES)("a container on $name", (bridge) => {
    test("cannot reach the metadata service, which serves the SSH host key in user_data", () => {
      expect(reach(bridge.ns, METADATA, 80)).toBe("dropped");
    });

    test("cannot reach the host's SSH port, at its bridge address or its public one", () => {
      expect(reach(bridge.ns, bridge.gateway, SSH_PORT)).toBe("dropped");
      expect(reach(bridge.ns, UPLINK.host, SSH_PORT)).toBe("dropped");
    });

    test("still reaches the internet", () => {
      expect(reach(bridge.ns, UPLINK.internet, 443)).toBe("internet");
    });
  });

  test("on the host, nginx (host network) reaches the apps published on 127.0.0.1", () => {
    expect(reach(HOST, "127.0.0.1", APP_PORT)).toBe("app");
  });

  test("on the host, root (cloud-init) reaches the metadata service and nobody else does", () => {
    expect(reach(HOST, METADATA, 80)).toBe("metadata");
    // Scanner workers on a worker host use the host's network, as uid 65534 (constructs/app/workers.ts).
    expect(reach(HOST, METADATA, 80, "65534:65534")).toBe("dropped");
    expect(reach(HOST, UPLINK.internet, 443, "65534:65534")).toBe("internet");
  });
});
