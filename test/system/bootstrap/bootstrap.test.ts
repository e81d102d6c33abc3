import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { DatabaseCredentials } from "../../../constructs/app/database-credentials";
import { renderInstanceEnv } from "../../../constructs/app/instance-env";
import { instanceNames } from "../../../config/model/names";
import { BUNDLE_DIR, bootstrapBundle, type BootstrapBundleInput } from "../../../constructs/bootstrap/bundle";
import { renderBootstrapEnv, renderDatabaseEnv } from "../../../constructs/bootstrap/env-file";
import { SSHD_DROPIN } from "../../../constructs/bootstrap/host-constants";
import { MARIADB_SOCKET, MARIADB_SOCKET_DIR } from "../../../constructs/bootstrap/mariadb-socket";
import { NFT_TABLE, renderNftables } from "../../../constructs/bootstrap/nftables";
import { readScriptFolder, repositoryRoot } from "../../../constructs/bootstrap/script-files";
import { BACKUP_METRIC, BACKUP_TEXTFILE } from "../../../constructs/monitoring/alert-rules";
import { NGINX_CONTAINER_NAME } from "../../../constructs/webserver/webserver";
import { eventually } from "../support/eventually";
import { requireProgram } from "../support/programs";
import { bootstrapPackages, cachedRootfs, run, ScratchRoot } from "./debian-rootfs";

/*
 * The real bootstrap scripts in a real Debian 12 and 13 (a chroot, no systemd): twice with the same config and
 * once with a user removed, then the results checked with the real programs: sshd, nft, apt-config,
 * MariaDB with the rendered grants, the backup and restore commands, logrotate, the deploy and rollback
 * commands against a stand-in docker, and an SSH login over a network namespace.
 */

const ROOT = repositoryRoot();
const FQDN = "faalserver.faalkaart.test";
const keysDir = fs.mkdtempSync(path.join(os.tmpdir(), "failmap-bootstrap-keys-"));
const key = (name: string) => {
  const file = path.join(keysDir, name);
  // Keys are made while Jest collects the tests, before any beforeAll: name the package here, not ENOENT.
  const keygen = requireProgram("ssh-keygen", "openssh-client");
  if (!fs.existsSync(file)) run(keygen, ["-q", "-t", "ed25519", "-N", "", "-C", name, "-f", file]);
  return { file, pub: fs.readFileSync(`${file}.pub`, "utf8").trim() };
};

const FIRST_BOOT_DROPIN = "/etc/ssh/sshd_config.d/00-failmap-first-boot.conf";

const database: DatabaseCredentials = {
  instance: "production",
  database: "failmap_production",
  full: { name: "production_full", password: "Full0123456789abcdefghijklmnopqr" },
  readWrite: { name: "production_rw", password: "ReadWrite0123456789abcdefghijklm" },
  readOnly: { name: "production_ro", password: "ReadOnly0123456789abcdefghijklmn" },
};

function bundleInput(users: BootstrapBundleInput["users"]): BootstrapBundleInput {
  return {
    env: {
      role: "main",
      fqdn: FQDN,
      deployUser: "deploy",
      timezone: "Europe/Amsterdam",
      swapMb: 16,
      backupRetentionDays: 7,
      nodeExporterListen: "127.0.0.1:9100",
      instances: ["production"],
    },
    rebootWindow: "04:30",
    users,
    nftables: renderNftables({
      sshPort: 22,
      sshSources: ["192.0.2.0/24", "2001:db8:1234::/48"],
      rules: [
        { description: "HTTPS", protocol: "tcp", port: 443, sources: ["0.0.0.0/0", "::/0"] },
        { description: "remote workers", protocol: "tcp", port: 1337, sources: ["198.51.100.0/24"] },
      ],
    }),
    bootstrapScripts: readScriptFolder("scripts/bootstrap"),
    hostScripts: readScriptFolder("scripts/host"),
    databases: [database],
  };
}

/**
 * A stand-in for the docker CLI, for the deploy and rollback commands and logrotate. These containers exist,
 * with their labels, and run; `ps` filters them by label and by name (a regex, as docker's name filter);
 * every call is recorded.
 * Besides the instance's own there are a monitoring container and another instance whose names start the
 * same, and a one-off migrate container.
 */
const fakeDocker = `#!/bin/sh
echo "$*" >>/tmp/docker-calls
if [ "$1" = inspect ]; then echo true; exit 0; fi
[ "$1" = ps ] || exit 0
label=""
name=""
while [ $# -gt 0 ]; do
  if [ "$1" = --filter ]; then
    case $2 in label=*) label=\${2#label=} ;; name=*) name=\${2#name=} ;; esac
    shift
  fi
  shift
done
while read -r container labels; do
  if [ -n "$label" ]; then case ",$labels," in *",$label,"*) ;; *) continue ;; esac; fi
  printf '%s\\n' "$container" | grep -q -e "$name" || continue
  echo "$container"
done <<'CONTAINERS'
failmap-production-broker failmap.instance=production,failmap.role=broker
failmap-production-frontend failmap.instance=production,failmap.role=frontend
failmap-production-worker-storage-1 failmap.instance=production,failmap.role=worker-storage-1
failmap-production-scheduler failmap.instance=production,failmap.role=scheduler
failmap-production-broker-exporter -
failmap-production-eu-frontend failmap.instance=production-eu,failmap.role=frontend
failmap-production-migrate -
failmap-nginx -
CONTAINERS
`;

/** Whether the MariaDB in `scratch` answers a query on its socket within a few seconds. */
function mariadbAnswers(scratch: ScratchRoot): boolean {
  try {
    scratch.chroot(["mariadb", "--connect-timeout=5", "-e", "SELECT 1"], { timeout: 15_000 });
    return true;
  } catch {
    return false;
  }
}

/**
 * Starts the MariaDB the bootstrap installed, as systemd would start it, and waits until it answers, as systemd
 * waits for its readiness. A start that does not answer within two minutes is killed and made once more, as a
 * restart would be: on this busy two-core machine mariadbd 10.11 (bookworm) once made its socket and then never
 * answered (its main thread waited in init_slave() for a background thread that was not there; the bootstrap's
 * `mariadb -e 'SELECT 1'` waited 9 minutes and counting), while a start normally answers within seconds.
 */
async function startMariadb(scratch: ScratchRoot): Promise<ChildProcess> {
  fs.mkdirSync(scratch.file("/run/mysqld"), { recursive: true });
  scratch.chroot(["chown", "mysql:mysql", "/run/mysqld"]);
  for (let attempt = 1; ; attempt++) {
    const daemon = spawn(
      "chroot",
      [
        scratch.root,
        "mariadbd",
        "--no-defaults",
        "--user=mysql",
        "--datadir=/var/lib/mysql",
        "--socket=/run/mysqld/mysqld.sock",
        "--skip-networking",
      ],
      { stdio: "ignore" },
    );
    try {
      await eventually(
        `MariaDB answering (start ${attempt})`,
        () => {
          if (daemon.exitCode !== null) throw new Error(`mariadbd exited (${daemon.exitCode})`);
          return mariadbAnswers(scratch);
        },
        { seconds: 120 },
      );
      return daemon;
    } catch (error) {
      if (daemon.exitCode === null) {
        const exited = new Promise((resolve) => daemon.once("exit", resolve));
        daemon.kill("SIGKILL");
        await exited;
      }
      if (attempt === 2) throw error;
      console.warn(`mariadbd did not answer within 120 s; killed, and started once more:\n${error}`);
    }
  }
}

/*
 * Budgets, from three runs beside stress-ng --cpu 2, another test tier and other work on the 2-core machine
 * (load 14 to 35, 7 December; the whole file 407, 534 and 785 s): the slowest test 15 s (30 SSH logins at
 * once); a suite's three bootstrap runs and the MariaDB start 175 s to 343 s on average (the slowest run),
 * most of it the first run's package installs (126 to 169 s measured alone at load 20). A bootstrap run that
 * outlasts its budget is killed: a synchronous run would otherwise hold Jest's own timers, and the whole tier,
 * for as long as it hangs.
 */
jest.setTimeout(60_000);
const BOOTSTRAP_RUN_SECONDS = 900;
const PREPARE_MS = 1_500_000;

afterAll(() => fs.rmSync(keysDir, { recursive: true, force: true }));

describe.each([
  { suite: "bookworm", version: 12 },
  { suite: "trixie", version: 13 },
])("bootstrap on Debian $version ($suite)", ({ suite }) => {
  let scratch: ScratchRoot;
  let mariadb: ChildProcess | undefined;
  /**
   * The bootstrap runs: the first, the second with MariaDB up, bob and dave removed and carol added, and the
   * same again.
   */
  const runs: { status: number | null; output: string }[] = [];

  const bootstrap = (users: BootstrapBundleInput["users"]): void => {
    for (const file of bootstrapBundle(bundleInput(users))) {
      const target = scratch.file(`${BUNDLE_DIR}/${file.path}`);
      fs.mkdirSync(path.dirname(target), { recursive: true });
      fs.writeFileSync(target, file.content, { mode: parseInt(file.mode, 8) });
    }
    let status: number | null = 0;
    let output: string;
    try {
      output = scratch.chroot(["bash", `${BUNDLE_DIR}/run.sh`], {}, BOOTSTRAP_RUN_SECONDS);
    } catch (error) {
      const failed = error as { status: number | null; stdout: string; stderr: string };
      status = failed.status;
      const killed = status === 124 ? `\nkilled after ${BOOTSTRAP_RUN_SECONDS} s` : "";
      output = `${failed.stdout}${failed.stderr}${killed}`;
    }
    runs.push({ status, output });
  };
  const sql = (statement: string, user?: { name: string; password: string }) =>
    scratch.chroot([
      "mariadb",
      "-N",
      ...(user ? [`-u${user.name}`, `-p${user.password}`] : []),
      "-e",
      statement,
    ]);
  /** Puts the docker stand-in first on root's PATH (/usr/local/sbin), before the real docker CLI. */
  const dockerStandIn = () => {
    const calls = scratch.file("/tmp/docker-calls");
    const stub = scratch.file("/usr/local/sbin/docker");
    fs.writeFileSync(stub, fakeDocker, { mode: 0o755 });
    return {
      /** The docker commands run so far, one line of arguments each. */
      calls: () => (fs.existsSync(calls) ? fs.readFileSync(calls, "utf8").split("\n") : []),
      forget: () => fs.rmSync(calls, { force: true }),
      remove: () => {
        for (const file of [stub, calls]) fs.rmSync(file, { force: true });
      },
    };
  };
  /** 0, or the status with the end of the run's output, which names the step and the command that failed. */
  const exitStatus = (result: { status: number | null; output: string }) =>
    result.status === 0 ? 0 : `exit status ${result.status}:\n${result.output.slice(-3000)}`;
  const changes = (output: string) => output.split("\n").filter((line) => line.startsWith("changed:"));
  /** A Unix time within the last two minutes. */
  const expectRecent = (unixSeconds: number | undefined) => {
    const age = Date.now() / 1000 - (unixSeconds ?? NaN);
    expect(age).toBeGreaterThanOrEqual(0);
    expect(age).toBeLessThan(120);
  };
  /** database → timestamp, from the textfile node-exporter reads for the backup alerts. */
  const backupMetrics = (): Record<string, number> => {
    const line = new RegExp(`^${BACKUP_METRIC}\\{database="([^"]+)"\\} (\\d+)$`);
    return Object.fromEntries(
      fs
        .readFileSync(scratch.file(BACKUP_TEXTFILE), "utf8")
        .split("\n")
        .flatMap((l) => {
          const match = line.exec(l);
          return match ? [[match[1], Number(match[2])]] : [];
        }),
    );
  };

  // Operators (sudo) deploy as deploy with their own keys; bob is not one. dave leaves and carol joins after
  // the server was made, so cloud-init gave deploy the keys of alice and dave.
  const alice = { name: "alice", sudo: true, shell: "/bin/bash", keys: [key("alice").pub] };
  const bob = { name: "bob", sudo: false, shell: "/bin/sh", keys: [key("bob").pub] };
  const carol = { name: "carol", sudo: true, shell: "/bin/bash", keys: [key("carol").pub] };
  const dave = { name: "dave", sudo: true, shell: "/bin/bash", keys: [key("dave").pub] };

  beforeAll(async () => {
    for (const [tool, pkg] of [
      ["chroot", "coreutils"],
      ["ssh-keygen", "openssh-client"],
      ["ip", "iproute2"],
      ["promtool", "prometheus"],
      ["curl", "curl"],
    ]) {
      requireProgram(tool, pkg);
    }
    const lower = cachedRootfs(suite, bootstrapPackages(path.join(ROOT, "scripts/bootstrap")));
    scratch = new ScratchRoot(lower);

    // What cloud-init leaves on a new server: the deploy user with the operators' keys and passwordless sudo.
    // Its password field is "!" (locked), as cloud-init leaves it: key logins must work all the same.
    scratch.chroot(["useradd", "--create-home", "--shell", "/bin/bash", "deploy"]);
    fs.mkdirSync(scratch.file("/etc/sudoers.d"), { recursive: true });
    fs.writeFileSync(scratch.file("/etc/sudoers.d/90-cloud-init-users"), "deploy ALL=(ALL) NOPASSWD:ALL\n", {
      mode: 0o440,
    });
    fs.mkdirSync(scratch.file("/home/deploy/.ssh"), { recursive: true });
    fs.writeFileSync(
      scratch.file("/home/deploy/.ssh/authorized_keys"),
      `${alice.keys[0]}\n${dave.keys[0]}\n`,
    );
    scratch.chroot(["chown", "-R", "deploy:deploy", "/home/deploy/.ssh"]);
    // cloud-init's SSH stopgap until the bootstrap's drop-in is in place (constructs/host/cloud-init.ts).
    fs.mkdirSync(scratch.file("/etc/ssh/sshd_config.d"), { recursive: true });
    fs.writeFileSync(
      scratch.file(FIRST_BOOT_DROPIN),
      "PermitRootLogin no\nPasswordAuthentication no\nKbdInteractiveAuthentication no\n",
    );

    bootstrap([alice, bob, dave]);
    // The runs after it need what it installs: a failed first run is the one error worth reading.
    if (runs[0].status !== 0) throw new Error(`the first bootstrap run failed, ${exitStatus(runs[0])}`);

    // No systemd here, so the test starts the MariaDB that the bootstrap installed, as systemd would.
    mariadb = await startMariadb(scratch);

    bootstrap([alice, carol]);
    bootstrap([alice, carol]);
  }, PREPARE_MS);

  afterAll(async () => {
    if (mariadb?.exitCode === null) {
      const exited = new Promise((resolve) => mariadb?.once("exit", resolve));
      mariadb.kill("SIGTERM");
      await exited;
    }
    scratch?.cleanUp();
  });

  test("the first run installs and configures everything, and defers the grants while MariaDB is down", () => {
    expect(exitStatus(runs[0])).toBe(0);
    expect(changes(runs[0].output).length).toBeGreaterThan(10);
    expect(runs[0].output).toContain("changed: installed");
    expect(runs[0].output).toContain("skipped: databases and accounts (MariaDB is not running here)");
  });

  test("the second run applies the grants and locks the removed user, and a third run changes nothing", () => {
    expect(exitStatus(runs[1])).toBe(0);
    expect(changes(runs[1].output)).toEqual(
      expect.arrayContaining([
        "changed: databases and accounts",
        "changed: user bob locked",
        "changed: user dave locked",
        "changed: user carol created",
      ]),
    );
    // Every file is right already: each step says ok and succeeds.
    expect(exitStatus(runs[2])).toBe(0);
    expect(changes(runs[2].output)).toEqual([]);
    expect(runs[2].output).toContain("ok: user bob locked");
  });

  test("the deploy user's keys are the current operators' (sudo users') keys, whatever cloud-init gave it", () => {
    expect(fs.readFileSync(scratch.file("/home/deploy/.ssh/authorized_keys"), "utf8")).toBe(
      `${alice.keys[0]}\n${carol.keys[0]}\n`,
    );
    expect(fs.statSync(scratch.file("/home/deploy/.ssh/authorized_keys")).mode & 0o777).toBe(0o600);
    // Written next to it and renamed over it: nothing else is left in the folder.
    expect(fs.readdirSync(scratch.file("/home/deploy/.ssh"))).toEqual(["authorized_keys"]);
  });

  test("with no deploy keys in its file, the users step refuses to run and changes nothing", () => {
    const usersFile = scratch.file(`${BUNDLE_DIR}/config/users`);
    const rendered = fs.readFileSync(usersFile, "utf8");
    const deployKeys = scratch.file("/home/deploy/.ssh/authorized_keys");
    const before = fs.readFileSync(deployKeys, "utf8");
    // A bundle from a renderer that left the deploy keys out: the users, with no deploy-key lines.
    fs.writeFileSync(usersFile, rendered.replace(/^deploy-key .*\n/gm, ""));
    try {
      expect(() => scratch.chroot(["bash", `${BUNDLE_DIR}/users.sh`])).toThrow(
        /lists no keys for deploy; refusing to leave it without any/,
      );
      expect(fs.readFileSync(deployKeys, "utf8")).toBe(before);
    } finally {
      fs.writeFileSync(usersFile, rendered);
    }
  });

  test("users get their keys and rights; a removed user is locked, not deleted", () => {
    expect(fs.readFileSync(scratch.file("/home/alice/.ssh/authorized_keys"), "utf8")).toBe(
      `${alice.keys[0]}\n`,
    );
    expect(scratch.chroot(["id", "-nG", "alice"]).trim().split(" ")).toEqual(
      expect.arrayContaining(["sudo", "docker", "failmap-ssh", "failmap-users"]),
    );
    expect(scratch.chroot(["id", "-nG", "deploy"]).trim().split(" ")).toEqual(
      expect.arrayContaining(["docker", "failmap-ssh"]),
    );
    expect(scratch.chroot(["passwd", "-S", "bob"]).split(" ")[1]).toBe("L");
    expect(scratch.chroot(["chage", "-l", "bob"])).toMatch(/Account expires\s*:\s*Jan 02, 1970/);
    expect(scratch.chroot(["id", "-nG", "bob"])).not.toMatch(/failmap-ssh|sudo|docker/);
    expect(fs.existsSync(scratch.file("/home/bob/.ssh/authorized_keys"))).toBe(true);
    expect(scratch.chroot(["sudo", "-l", "-U", "alice"])).toContain("NOPASSWD: ALL");
  });

  test("sshd accepts its configuration: keys only, no root", () => {
    const effective = scratch.chroot(["sshd", "-T", "-C", "user=deploy,host=test,addr=192.0.2.10"]);
    expect(effective).toContain("passwordauthentication no");
    expect(effective).toContain("kbdinteractiveauthentication no");
    expect(effective).toContain("permitrootlogin no");
    expect(effective).toContain("allowgroups failmap-ssh");
  });

  test("cloud-init's first-boot SSH drop-in, read before the managed one, goes once that one is in place", () => {
    expect(runs[0].output).toContain(`changed: ${FIRST_BOOT_DROPIN} removed`);
    expect(runs[2].output).toContain(`ok: no ${FIRST_BOOT_DROPIN}`);
    expect(fs.existsSync(scratch.file(FIRST_BOOT_DROPIN))).toBe(false);
    const effective = scratch.chroot(["sshd", "-T", "-C", "user=deploy,host=test,addr=192.0.2.10"]);
    expect(effective).toContain("passwordauthentication no");
    expect(effective).toContain("kbdinteractiveauthentication no");
    expect(effective).toContain("permitrootlogin no");
  });

  test("the firewall rules load in a kernel (a private network namespace) and keep to their own table", () => {
    const ns = `fmbs-nft-${suite}-${process.pid}`;
    run("ip", ["netns", "add", ns]);
    try {
      run("ip", ["netns", "exec", ns, "chroot", scratch.root, "nft", "-f", "/etc/nftables.conf"]);
      const ruleset = run("ip", ["netns", "exec", ns, "nft", "list", "ruleset"]);
      expect(ruleset).toContain(`table inet ${NFT_TABLE}`);
      expect(ruleset).toMatch(/ip saddr 192\.0\.2\.0\/24 tcp dport 22 accept/);
      expect(ruleset).toMatch(/tcp dport 443 accept/);
      // Loading again replaces the table rather than failing or doubling it, and other tables stay.
      run("ip", ["netns", "exec", ns, "nft", "add", "table", "ip", "docker-stand-in"]);
      run("ip", ["netns", "exec", ns, "chroot", scratch.root, "nft", "-f", "/etc/nftables.conf"]);
      const again = run("ip", ["netns", "exec", ns, "nft", "list", "ruleset"]);
      expect(again.match(/tcp dport 443 accept/g)).toHaveLength(1);
      expect(again).toContain("table ip docker-stand-in");
      // Stopping the nftables unit takes away the failmap table only.
      const unit = fs.readFileSync(
        scratch.file("/etc/systemd/system/nftables.service.d/failmap.conf"),
        "utf8",
      );
      const stop = /^ExecStop=-(.+)$/m.exec(unit)?.[1];
      expect(stop).toBeDefined();
      run("ip", ["netns", "exec", ns, "chroot", scratch.root, ...(stop ?? "").split(" ")]);
      const stopped = run("ip", ["netns", "exec", ns, "nft", "list", "ruleset"]);
      expect(stopped).not.toContain(`table inet ${NFT_TABLE}`);
      expect(stopped).toContain("table ip docker-stand-in");
    } finally {
      run("ip", ["netns", "delete", ns]);
    }
  });

  test("security updates are configured, with reboots in the window", () => {
    const apt = scratch.chroot(["apt-config", "dump"]);
    expect(apt).toContain('APT::Periodic::Unattended-Upgrade "1";');
    expect(apt).toContain('Unattended-Upgrade::Automatic-Reboot-Time "04:30";');
    const origins = apt.split("\n").filter((l) => l.startsWith("Unattended-Upgrade::Origins-Pattern:: "));
    expect(origins.length).toBeGreaterThan(0);
    for (const origin of origins) expect(origin).toContain("label=Debian-Security");
  });

  test("services and timers are enabled for boot, MariaDB's TCP socket is masked", () => {
    // lstat: the links point into the rootfs, at paths that do not exist on this machine.
    const wants = (target: string, unit: string) =>
      fs
        .lstatSync(scratch.file(`/etc/systemd/system/${target}.wants/${unit}`), { throwIfNoEntry: false })
        ?.isSymbolicLink();
    expect(wants("timers.target", "failmap-db-backup.timer")).toBe(true);
    expect(wants("timers.target", "failmap-docker-prune.timer")).toBe(true);
    expect(wants("multi-user.target", "prometheus-node-exporter.service")).toBe(true);
    expect(wants("sysinit.target", "nftables.service")).toBe(true);
    expect(fs.readlinkSync(scratch.file("/etc/systemd/system/mariadb.socket"))).toBe("/dev/null");
    expect(JSON.parse(fs.readFileSync(scratch.file("/etc/docker/daemon.json"), "utf8"))["live-restore"]).toBe(
      true,
    );
    expect(fs.readFileSync(scratch.file("/etc/hostname"), "utf8")).toBe(`${FQDN}\n`);
    expect(fs.statSync(scratch.file("/swapfile")).size).toBe(16 * 1024 * 1024);
  });

  test("MariaDB and its clients on the host use the socket that containers mount, and no TCP", () => {
    const server = scratch.chroot(["mariadbd", "--print-defaults"]);
    expect(server).toContain(`--socket=${MARIADB_SOCKET}`);
    expect(server).toContain("--skip-networking");
    expect(scratch.chroot(["mariadb", "--print-defaults"])).toContain(`--socket=${MARIADB_SOCKET}`);
  });

  test("the database accounts have exactly their rights", () => {
    sql("CREATE TABLE failmap_production.site (id INT PRIMARY KEY, name VARCHAR(50))", database.full);
    sql("USE failmap_production; INSERT INTO site VALUES (1, 'faalkaart.nl')", database.readWrite);
    expect(sql("SELECT name FROM failmap_production.site", database.readOnly).trim()).toBe("faalkaart.nl");
    expect(() => sql("INSERT INTO failmap_production.site VALUES (2, 'x')", database.readOnly)).toThrow(
      /INSERT command denied/,
    );
    expect(() => sql("CREATE TABLE failmap_production.other (id INT)", database.readWrite)).toThrow(
      /CREATE command denied/,
    );
    expect(() => sql("SELECT 1", { ...database.readOnly, password: "wrong" })).toThrow(/Access denied/);
  });

  test("a backup restores into an empty database with the same rows", () => {
    sql(
      "CREATE TABLE IF NOT EXISTS failmap_production.scan (id INT PRIMARY KEY, rating CHAR(1))",
      database.full,
    );
    sql("INSERT INTO failmap_production.scan VALUES (1, 'A'), (2, 'F'), (3, 'C')", database.full);
    const before = sql("SELECT * FROM failmap_production.scan ORDER BY id");

    const dump = scratch.chroot(["failmap-db-backup", "-i", "production"]).trim();
    expect(dump).toMatch(/^\/var\/backups\/failmap\/production\/failmap_production-\d{8}-\d{6}\.sql\.gz$/);
    const metrics = backupMetrics();
    expect(Object.keys(metrics)).toEqual(["failmap_production"]);
    expectRecent(metrics.failmap_production);
    sql("DROP DATABASE failmap_production; CREATE DATABASE failmap_production");
    expect(sql("SHOW TABLES FROM failmap_production").trim()).toBe("");

    scratch.chroot(["failmap-db-restore", "production", "--yes"]);
    expect(sql("SELECT * FROM failmap_production.scan ORDER BY id")).toBe(before);
    // The accounts' rights survived the restore.
    expect(sql("SELECT COUNT(*) FROM failmap_production.scan", database.readOnly).trim()).toBe("3");
  });

  test("a drop-in that sshd rejects is taken back before any reload", () => {
    const rendered = scratch.file(`${BUNDLE_DIR}/config/sshd.conf`);
    const dropIn = scratch.file("/etc/ssh/sshd_config.d/01-failmap.conf");
    const good = fs.readFileSync(rendered, "utf8");
    const installed = fs.readFileSync(dropIn, "utf8");
    fs.writeFileSync(rendered, `${good}NoSuchOption yes\n`);
    try {
      expect(() => scratch.chroot(["bash", `${BUNDLE_DIR}/ssh.sh`])).toThrow(
        /sshd rejects the new configuration; the previous one is back in place/,
      );
      expect(fs.readFileSync(dropIn, "utf8")).toBe(installed);
    } finally {
      fs.writeFileSync(rendered, good);
    }
  });

  test("the admin tools find the instance by itself when there is one, and name the choices otherwise", () => {
    expect(() => scratch.chroot(["failmap-db-backup", "-i", "nonexistent"])).toThrow(
      /unknown instance 'nonexistent'; this host has: production/,
    );
    expect(() => scratch.chroot(["failmap-shell"])).toThrow(
      /production is not deployed yet: the stack writes \/etc\/failmap\/production\/instance.env/,
    );
    const cached = scratch.file("/var/cache/failmap/nginx/production/a/bc/page");
    fs.mkdirSync(path.dirname(cached), { recursive: true });
    fs.writeFileSync(cached, "a cached page");
    expect(scratch.chroot(["failmap-frontend-clear-cache"])).toContain(
      "emptied /var/cache/failmap/nginx/production",
    );
    expect(fs.existsSync(cached)).toBe(false);
  });

  test("the backup metric holds a line per database of the host, and one backup keeps the others' lines", () => {
    // A second instance for this test only: its database, its settings, and the host's list of instances.
    const hostEnv = scratch.file("/etc/failmap/host.env");
    const original = fs.readFileSync(hostEnv, "utf8");
    const staging = { instance: "staging", database: "failmap_staging" };
    fs.writeFileSync(
      hostEnv,
      renderBootstrapEnv({ ...bundleInput([]).env, instances: ["production", "staging"] }),
    );
    fs.mkdirSync(scratch.file("/etc/failmap/staging"));
    fs.writeFileSync(scratch.file("/etc/failmap/staging/database.env"), renderDatabaseEnv(staging));
    sql("CREATE DATABASE failmap_staging");
    try {
      scratch.chroot(["failmap-db-backup", "--all"]);
      const all = backupMetrics();
      expect(Object.keys(all).sort()).toEqual(["failmap_production", "failmap_staging"]);
      expectRecent(all.failmap_production);
      expectRecent(all.failmap_staging);

      // An old success of staging, and a database this host no longer has: its line would alert forever.
      fs.writeFileSync(
        scratch.file(BACKUP_TEXTFILE),
        `${BACKUP_METRIC}{database="failmap_staging"} 1700000000\n${BACKUP_METRIC}{database="failmap_gone"} 1\n`,
      );
      scratch.chroot(["failmap-db-backup", "-i", "production"]);
      const one = backupMetrics();
      expect(Object.keys(one).sort()).toEqual(["failmap_production", "failmap_staging"]);
      expectRecent(one.failmap_production);
      expect(one.failmap_staging).toBe(1700000000);
      // Only the metric file: the temporary file it was written to was renamed, not left behind.
      expect(fs.readdirSync(path.dirname(scratch.file(BACKUP_TEXTFILE)))).toEqual(["failmap_backup.prom"]);
      run("promtool", ["check", "metrics"], { input: fs.readFileSync(scratch.file(BACKUP_TEXTFILE)) });
    } finally {
      fs.writeFileSync(hostEnv, original);
      fs.rmSync(scratch.file("/etc/failmap/staging"), { recursive: true });
      fs.rmSync(scratch.file("/var/backups/failmap/staging"), { recursive: true, force: true });
      sql("DROP DATABASE failmap_staging");
    }
  });

  test("node-exporter, started as the bootstrap configures it, serves the backup metric", async () => {
    scratch.chroot(["failmap-db-backup", "-i", "production"]);
    const ns = `fmbs-node-${suite}-${process.pid}`;
    run("ip", ["netns", "add", ns]);
    let exporter: ChildProcess | undefined;
    try {
      run("ip", ["netns", "exec", ns, "ip", "link", "set", "lo", "up"]);
      // As Debian's unit starts it: EnvironmentFile=/etc/default/prometheus-node-exporter, then $ARGS. The
      // chroot has no /sys, where the cpu collector of node-exporter 1.9 panics: the textfile collector only.
      const start =
        ". /etc/default/prometheus-node-exporter && " +
        "exec prometheus-node-exporter $ARGS --collector.disable-defaults --collector.textfile";
      exporter = spawn("ip", ["netns", "exec", ns, "chroot", scratch.root, "sh", "-c", start], {
        stdio: ["ignore", "ignore", "pipe"],
      });
      let log = "";
      exporter.stderr?.on("data", (chunk) => (log += chunk));
      const metric = new RegExp(`^${BACKUP_METRIC}\\{database="failmap_production"\\} \\S+$`, "m");
      let metrics = "";
      const running = exporter;
      await eventually(
        `node-exporter serving ${BACKUP_METRIC}`,
        () => {
          if (running.exitCode !== null) throw new Error(`node-exporter exited:\n${log}`);
          try {
            metrics = run("ip", ["netns", "exec", ns, "curl", "-sf", "http://127.0.0.1:9100/metrics"]);
          } catch {
            // Not listening yet.
          }
          return metric.test(metrics);
        },
        { seconds: 30, explain: () => `${metrics}\n${log}` },
      );
    } finally {
      if (exporter?.exitCode === null) {
        const exited = new Promise((resolve) => exporter?.once("exit", resolve));
        exporter.kill("SIGTERM");
        await exited;
      }
      run("ip", ["netns", "delete", ns]);
    }
  });

  test("logrotate takes the nginx metrics log, also while the nginx container is not there", () => {
    expect(fs.statSync(scratch.file("/var/log/failmap/nginx")).isDirectory()).toBe(true);
    expect(
      fs.lstatSync(scratch.file("/etc/systemd/system/timers.target.wants/logrotate.timer")).isSymbolicLink(),
    ).toBe(true);
    const dropIn = "/etc/logrotate.d/failmap-nginx";
    // -d: check and show what would happen, change nothing. logrotate reports its work on stderr.
    const debug = scratch.chroot(["sh", "-c", `logrotate -d ${dropIn} 2>&1`]);
    expect(debug).toContain("rotating pattern: /var/log/failmap/nginx/*.log");
    expect(debug).not.toMatch(/error/i);

    const log = scratch.file("/var/log/failmap/nginx/metrics.log");
    const rotate = () => {
      fs.writeFileSync(log, "a request\n");
      scratch.chroot(["logrotate", "--force", "--state", "/tmp/logrotate.status", dropIn]);
      expect(fs.readFileSync(`${log}.1`, "utf8")).toBe("a request\n");
      expect(fs.existsSync(log)).toBe(false);
    };
    try {
      rotate();
      // With the container running, nginx in it is told to reopen its logs.
      const docker = dockerStandIn();
      try {
        rotate();
        expect(docker.calls()).toContain(`exec ${NGINX_CONTAINER_NAME} nginx -s reopen`);
      } finally {
        docker.remove();
      }
    } finally {
      for (const file of [log, `${log}.1`, `${log}.2.gz`, scratch.file("/tmp/logrotate.status")]) {
        fs.rmSync(file, { force: true });
      }
    }
  });

  test("deploy and rollback act on exactly the containers labelled with the instance", () => {
    const docker = dockerStandIn();
    const instanceEnv = scratch.file("/etc/failmap/production/instance.env");
    fs.writeFileSync(
      instanceEnv,
      renderInstanceEnv({
        instance: "production",
        names: instanceNames("production"),
        image: "websecmap/websecmap@sha256:0123456789abcdef",
        domain: "faalkaart.test",
        adminDomain: "admin.faalkaart.test",
        adminUpstream: "127.0.0.1:8002",
      }),
    );
    const labelled = [
      "failmap-production-broker",
      "failmap-production-frontend",
      "failmap-production-scheduler",
      "failmap-production-worker-storage-1",
    ].join(" ");
    try {
      expect(scratch.chroot(["failmap-deploy", "-i", "production"])).toContain(`restarted ${labelled}`);
      const socket = `type=bind,source=${MARIADB_SOCKET_DIR},target=${MARIADB_SOCKET_DIR}`;
      expect(docker.calls()).toEqual(
        expect.arrayContaining([
          "pull --quiet websecmap/websecmap@sha256:0123456789abcdef",
          `run --rm --interactive --network failmap-production --env-file /etc/failmap/production/app.env --mount ${socket} websecmap/websecmap@sha256:0123456789abcdef migrate --noinput`,
          `restart ${labelled}`,
        ]),
      );

      docker.forget();
      expect(scratch.chroot(["failmap-rollback", "-i", "production", "--yes"])).toContain(
        "production's database is as before the last failmap-deploy",
      );
      expect(docker.calls()).toEqual(expect.arrayContaining([`stop ${labelled}`, `start ${labelled}`]));
    } finally {
      docker.remove();
      fs.rmSync(instanceEnv, { force: true });
    }
  });

  describe("SSH login over a network namespace", () => {
    const ns = `fmbs-ssh-${suite}-${process.pid}`;
    const daemons: { process: ChildProcess; log: string }[] = [];

    /** ssh in the namespace to 127.0.0.1:port, with one key from a file (or none) and no agent. */
    const sshArgs = (user: string, keyName: string | undefined, command: string, extra: string[] = []) => [
      ...["netns", "exec", ns, "ssh", "-F", "/dev/null", "-o", "BatchMode=yes", "-o", "IdentityAgent=none"],
      ...["-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null", "-o", "ConnectTimeout=10"],
      ...(keyName ? ["-o", "IdentitiesOnly=yes", "-i", key(keyName).file] : []),
      ...extra,
      `${user}@127.0.0.1`,
      command,
    ];
    const ssh = (user: string, keyName: string | undefined, command: string, extra: string[] = []) =>
      run("ip", sshArgs(user, keyName, command, extra), { stdio: ["ignore", "pipe", "pipe"] });

    /**
     * The bootstrapped sshd, in the namespace and in its own UTS namespace (so the host is called by its FQDN
     * there, as on the server), listening on 127.0.0.1:port, with its configuration or another file.
     */
    const startSshd = async (port: number, config?: string) => {
      const args = [`ListenAddress=127.0.0.1:${port}`, "PidFile=none"].map((o) => `-o ${o}`);
      if (config) args.push(`-f ${config}`);
      const start = `hostname ${FQDN} && exec chroot ${scratch.root} /usr/sbin/sshd -D -e ${args.join(" ")}`;
      const daemon = {
        process: spawn("ip", ["netns", "exec", ns, "unshare", "--uts", "sh", "-c", start], {
          stdio: ["ignore", "ignore", "pipe"],
        }),
        log: "",
      };
      daemons.push(daemon);
      daemon.process.stderr?.on("data", (chunk) => (daemon.log += chunk));
      await eventually(
        `sshd listening on port ${port}`,
        () => {
          if (daemon.process.exitCode !== null) throw new Error(`sshd exited:\n${daemon.log}`);
          return daemon.log.includes("Server listening");
        },
        { seconds: 30, explain: () => daemon.log },
      );
    };

    beforeAll(async () => {
      requireProgram("ssh", "openssh-client");
      run("ip", ["netns", "add", ns]);
      run("ip", ["netns", "exec", ns, "ip", "link", "set", "lo", "up"]);
      // root has a valid key too: only sshd's configuration may refuse it.
      fs.mkdirSync(scratch.file("/root/.ssh"), { recursive: true, mode: 0o700 });
      fs.writeFileSync(scratch.file("/root/.ssh/authorized_keys"), `${alice.keys[0]}\n`, { mode: 0o600 });
      await startSshd(22);
    });

    afterAll(async () => {
      for (const { process: daemon } of daemons) {
        if (daemon.exitCode !== null) continue;
        const exited = new Promise((resolve) => daemon.once("exit", resolve));
        daemon.kill("SIGTERM");
        await exited;
      }
      run("ip", ["netns", "delete", ns]);
    });

    test("an operator logs in as deploy with their own key, and has passwordless sudo", () => {
      expect(ssh("deploy", "alice", "sudo -n true && echo sudo-works")).toContain("sudo-works");
    });

    test("an operator added after the server was made logs in as deploy", () => {
      expect(ssh("deploy", "carol", "id -un").trim()).toBe("deploy");
    });

    test("a removed operator's key opens no account: neither their own nor deploy's", () => {
      expect(() => ssh("dave", "dave", "true")).toThrow(/Permission denied/);
      expect(() => ssh("deploy", "dave", "true")).toThrow(/Permission denied/);
    });

    test("a managed user logs in with their key and has sudo", () => {
      expect(ssh("alice", "alice", "sudo -n id -u").trim()).toBe("0");
    });

    test("root is refused, even with a valid key", () => {
      expect(() => ssh("root", "alice", "true")).toThrow(/Permission denied/);
    });

    test("a removed user is refused, even with their key", () => {
      expect(() => ssh("bob", "bob", "true")).toThrow(/Permission denied/);
    });

    test("password logins are not offered", () => {
      expect(() =>
        ssh("deploy", undefined, "true", ["-o", "PreferredAuthentications=password,keyboard-interactive"]),
      ).toThrow(/Permission denied \(publickey\)/);
    });

    /*
     * The docker provider runs one `ssh deploy@host docker system dial-stdio` per connection, beside up to 10
     * provisioners. sshd drops a new connection at random (30% rising to 100%) once MaxStartups' first number
     * of connections are still before authentication. To make that certain rather than likely, HELD
     * connections are held before authentication (they read sshd's banner and say nothing), then LOGINS
     * logins start at once: with sshd's default 10:30:100 each of them is dropped with a chance of at least
     * 30% (all 30 get in with a chance below 0.7^30, 2e-5); with the rendered drop-in none may be dropped.
     */
    describe("many connections at once, as the docker provider makes them", () => {
      const HELD = 10;
      const LOGINS = 30;

      /** Connections that stay before authentication until killed. */
      const holdPreAuth = async (port: number): Promise<ChildProcess[]> => {
        const script = `exec 3<>/dev/tcp/127.0.0.1/${port} && head -c 4 <&3 && exec sleep 120`;
        const held = Array.from({ length: HELD }, () =>
          spawn("ip", ["netns", "exec", ns, "chroot", scratch.root, "bash", "-c", script], {
            stdio: ["ignore", "pipe", "ignore"],
          }),
        );
        await Promise.all(
          held.map(
            (connection) =>
              new Promise<void>((resolve, reject) => {
                connection.stdout?.once("data", (banner) =>
                  String(banner) === "SSH-" ? resolve() : reject(new Error(`not an SSH banner: ${banner}`)),
                );
                connection.once("exit", () => reject(new Error("a held connection was closed")));
              }),
          ),
        );
        return held;
      };

      /** How many of LOGINS simultaneous logins as deploy reach the shell; the others' errors. */
      const loginAtOnce = async (port: number) => {
        const results = await Promise.all(
          Array.from(
            { length: LOGINS },
            () =>
              new Promise<{ ok: boolean; stderr: string }>((resolve) => {
                const login = spawn("ip", sshArgs("deploy", "alice", "echo in", ["-p", String(port)]));
                let stdout = "";
                let stderr = "";
                login.stdout.on("data", (chunk) => (stdout += chunk));
                login.stderr.on("data", (chunk) => (stderr += chunk));
                login.once("close", (code) => resolve({ ok: code === 0 && stdout === "in\n", stderr }));
              }),
          ),
        );
        return {
          in: results.filter((r) => r.ok).length,
          errors: results.filter((r) => !r.ok).map((r) => r.stderr.trim()),
        };
      };

      const underLoad = async (port: number, config?: string) => {
        await startSshd(port, config);
        const held = await holdPreAuth(port);
        try {
          return await loginAtOnce(port);
        } finally {
          for (const connection of held) connection.kill("SIGTERM");
        }
      };

      test("with the rendered drop-in, every login gets in", async () => {
        const result = await underLoad(2201);
        expect(result.errors).toEqual([]);
        expect(result.in).toBe(LOGINS);
      });

      test("with sshd's default MaxStartups, some are reset before the key exchange", async () => {
        // The same configuration without the drop-in's MaxStartups line. sshd keeps the last MaxStartups it
        // reads, unlike most settings, so an -o on its command line would not win over the drop-in's.
        const dropIn = fs.readFileSync(scratch.file(SSHD_DROPIN), "utf8");
        const main = fs.readFileSync(scratch.file("/etc/ssh/sshd_config"), "utf8");
        const config = "/tmp/sshd-default-max-startups.conf";
        fs.writeFileSync(
          scratch.file(config),
          dropIn.replace(/^MaxStartups .*\n/m, "") + main.replace(/^Include .*\n/m, ""),
        );
        expect(scratch.chroot(["sshd", "-T", "-f", config])).toMatch(/^maxstartups 10:30:100$/m);
        const result = await underLoad(2202, config);
        expect(result.in).toBeLessThan(LOGINS);
        for (const error of result.errors) {
          expect(error).toMatch(/kex_exchange_identification: .*Connection (closed|reset)/);
        }
      });
    });
  });
});
