import { Token } from "cdktf";
import { BROKER_PORT } from "./ports";

export interface RedisConfigOptions {
  /** Letters and digits only: it also travels inside the BROKER URL and on the ACL line. */
  readonly password: string;
  /** Defaults fit the broker container: all interfaces of its own network namespace, port 6379, /data. */
  readonly bind?: string;
  readonly port?: number;
  readonly dir?: string;
  /** Above this, writes are refused instead of queued messages being evicted. Default 384. */
  readonly maxMemoryMb?: number;
}

/**
 * Commands no Celery client needs, which would let a leaked password (remote workers hold it) wipe the
 * queues, rewrite the config, or stop the server. Denied by ACL rather than renamed: a denial cannot be guessed.
 */
export const DENIED_COMMANDS = [
  "flushall",
  "flushdb",
  "swapdb",
  "config",
  "debug",
  "shutdown",
  "module",
  "acl",
  "monitor",
  "replicaof",
  "slaveof",
  "sync",
  "psync",
  "failover",
  "migrate",
  "save",
  "bgsave",
  "bgrewriteaof",
] as const;

/** redis.conf of an instance's Celery broker. */
export function renderRedisConfig(options: RedisConfigOptions): string {
  const { password } = options;
  if (!Token.isUnresolved(password) && !/^[A-Za-z0-9]{16,}$/.test(password)) {
    throw new Error(
      "the broker password must be at least 16 letters and digits (random_password special=false)",
    );
  }
  const denied = DENIED_COMMANDS.map((c) => `-${c}`).join(" ");
  return `# The Celery broker of one Failmap instance. Rendered by failmap-infra; local edits are overwritten.
bind ${options.bind ?? "0.0.0.0"}
port ${options.port ?? BROKER_PORT}
protected-mode yes
daemonize no
loglevel notice
logfile ""
# Remote workers connect through a TLS proxy; detect their dead connections.
tcp-keepalive 60

# Queued tasks survive a restart and a recreated container: the append-only file lives on a volume.
dir ${options.dir ?? "/data"}
appendonly yes
appendfsync everysec
save 900 1
save 300 100

# A broker must never drop queued tasks to make room; it refuses new ones instead.
maxmemory ${options.maxMemoryMb ?? 384}mb
maxmemory-policy noeviction

# Off by default in redis 7; said here so that a future default cannot turn them on.
enable-debug-command no
enable-module-command no

# One account, the default user, with a password and without the commands that administer the server.
user default on >${password} ~* &* +@all ${denied}
`;
}
