import { CONTAINER_STOP_FUNCTIONS } from "./container-stop-script";

/*
 * The scripts the two steps around a server type change run on the operator's machine (ServerTypeChange,
 * PowerOnAfterTypeChange in server-type-change.ts): text only, so that they are tested apart from the steps.
 */

/**
 * Runs as root on the server (`sudo sh -s`), before its type changes: the containers, Docker and MariaDB stop
 * cleanly, and the disks are flushed. The containers are listed while Docker runs and stopped after it (see
 * container-stop-script.ts), so that Docker starts them again at boot; MariaDB stops once nothing uses it.
 */
export const STOP_SERVICES_ON_SERVER = [
  "set -u",
  CONTAINER_STOP_FUNCTIONS,
  "containers=",
  "if systemctl is-active --quiet docker.service; then containers=$(list_running_containers) || exit 1; fi",
  "for unit in docker.socket docker.service; do",
  '  if systemctl cat "$unit" >/dev/null 2>&1; then systemctl stop "$unit" || exit 1; fi',
  "done",
  "printf '%s\\n' \"$containers\" | stop_listed_containers",
  "if systemctl cat mariadb.service >/dev/null 2>&1; then systemctl stop mariadb.service || exit 1; fi",
  // What the journal holds of the stop survives the power-off: it says how each container ended.
  "journalctl --sync 2>/dev/null || true",
  "sync",
].join("\n");

/**
 * Runs on the operator's machine, before a Hetzner server's type changes. The hcloud provider powers a
 * running server off hard before it changes the type (terraform-provider-hcloud 1.64.0,
 * internal/server/resource.go, resourceServerUpdate: Poweroff, then ChangeType), which would cut MariaDB
 * and the containers off mid-write. So this logs in as the deploy user and runs STOP_SERVICES_ON_SERVER.
 *
 * SERVER is the server's primary IPv4's assignee_id, the id of the server that holds the address: 0 before
 * the first server exists, when there is nothing to stop. When a server holds it and cannot be reached,
 * the script fails, and the apply stops before the power-off.
 */
export const STOP_BEFORE_TYPE_CHANGE_SCRIPT = [
  'if [ "${SERVER:-0}" = 0 ]; then',
  '  echo "no server holds $ADDRESS yet: nothing to stop before the server type $SERVER_TYPE"',
  "  exit 0",
  "fi",
  'echo "stopping the containers, Docker and MariaDB on $ADDRESS before its server type changes to $SERVER_TYPE"',
  'if ! ssh -o StrictHostKeyChecking=yes -o UserKnownHostsFile=/dev/null -o "KnownHostsCommand=/bin/echo %H $HOST_KEY" \\',
  "  -o BatchMode=yes -o ConnectTimeout=30 -p \"$SSH_PORT\" \"$SSH_USER@$ADDRESS\" 'sudo sh -s' <<'ON_SERVER'",
  STOP_SERVICES_ON_SERVER,
  "ON_SERVER",
  "then",
  '  echo "could not stop the services on $ADDRESS (server $SERVER): the type change would power it off with them running; nothing was stopped; make it reachable over SSH and apply again" >&2',
  "  exit 1",
  "fi",
].join("\n");

/** How the power-on script waits for the server to run: it asks every `pollSeconds`, `attempts` times. */
export interface PowerOnWait {
  readonly pollSeconds: number;
  readonly attempts: number;
}

/** Ten minutes. */
export const POWER_ON_WAIT: PowerOnWait = { pollSeconds: 5, attempts: 120 };

/**
 * Runs on the operator's machine after the server's type changed: the hcloud provider (1.64.0,
 * resourceServerUpdate) powers the server off and changes its type, but never powers it on again, and
 * Hetzner leaves a server off after change_type. So this powers it on when it is off and waits until the
 * API says it runs; the host's name wait, and so every SSH step and container after it, waits for this.
 * Node (which cdktf needs anyway) asks the API with the provider's own HCLOUD_TOKEN and HCLOUD_ENDPOINT.
 */
export function renderPowerOnAfterTypeChange(wait: PowerOnWait = POWER_ON_WAIT): string {
  const minutes = (wait.attempts * wait.pollSeconds) / 60;
  return [
    'const base = process.env.HCLOUD_ENDPOINT || "https://api.hetzner.cloud/v1";',
    "const headers = { Authorization: `Bearer ${process.env.HCLOUD_TOKEN}` };",
    "const url = `${base}/servers/${process.env.SERVER}`;",
    "const status = async () => {",
    "  const answer = await fetch(url, { headers });",
    "  if (!answer.ok) throw new Error(`GET ${url}: HTTP ${answer.status}`);",
    "  return (await answer.json()).server.status;",
    "};",
    "(async () => {",
    '  if ((await status()) === "off") {',
    "    console.log(`powering ${process.env.SERVER} on after its type changed to ${process.env.SERVER_TYPE}`);",
    '    const on = await fetch(`${url}/actions/poweron`, { method: "POST", headers });',
    "    if (!on.ok) throw new Error(`POST ${url}/actions/poweron: HTTP ${on.status} ${await on.text()}`);",
    "  }",
    `  for (let i = 0; i < ${wait.attempts}; i++) {`,
    '    if ((await status()) === "running") return;',
    `    await new Promise((resolve) => setTimeout(resolve, ${wait.pollSeconds * 1000}));`,
    "  }",
    `  throw new Error("the server did not come back within ${minutes} minutes after its type change");`,
    "})().catch((error) => {",
    "  console.error(`${error.message}; power the server on in Hetzner's console and apply again`);",
    "  process.exit(1);",
    "});",
  ].join("\n");
}
