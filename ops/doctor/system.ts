import { spawnSync } from "node:child_process";
import { promises as dns } from "node:dns";
import type { DoctorEnvironment } from "./doctor";
import type { AgentKeys } from "./ssh-agent";

/** The real world for doctor: this process's environment, the SSH agent, DNS and the network. */
export function systemEnvironment(env: NodeJS.ProcessEnv = process.env): DoctorEnvironment {
  return {
    env,
    agentKeys: async () => readAgentKeys(env),
    resolve: async (name) => {
      try {
        return (await dns.lookup(name, { all: true })).map((a) => a.address);
      } catch {
        return [];
      }
    },
    head: async (url) => (await fetch(url, { method: "HEAD", signal: AbortSignal.timeout(10_000) })).status,
  };
}

/** `ssh-add -L` exits 1 for an agent without keys and 2 when there is no agent to talk to. */
function readAgentKeys(env: NodeJS.ProcessEnv): AgentKeys {
  if (!env.SSH_AUTH_SOCK) return { kind: "no-agent" };
  const run = spawnSync("ssh-add", ["-L"], { env, encoding: "utf8" });
  if (run.error || run.status === 2) return { kind: "no-agent" };
  const keys = run.status === 0 ? run.stdout.split("\n").filter((l) => l.trim()) : [];
  return { kind: "keys", keys };
}
