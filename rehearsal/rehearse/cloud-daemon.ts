import fs from "node:fs";
import { loadOrganisations } from "../../config/load";
import { cloudOptionsFromEnv, LocalCloud } from "./local-cloud";
import { networkFromEnvironment, RunFiles } from "./run-files";

/*
 * The local cloud's process (started detached by `npm run rehearse`, ended by `--down` with SIGTERM):
 *   tsx rehearsal/rehearse/cloud-daemon.ts <organisation>
 * with the rehearsal network's settings and the cloud's options (CLOUD_OPTION_ENV) in the environment. It writes cloud.json in the run's folder once
 * everything answers; its log is cloud.log there.
 */
async function main(name: string | undefined): Promise<void> {
  if (!name) throw new Error("usage: cloud-daemon.ts <organisation>");
  const files = new RunFiles(name, networkFromEnvironment());
  const log = (line: string) => console.log(`${new Date().toISOString().slice(11, 19)} ${line}`);
  const [{ organisation }] = loadOrganisations(files.organisations(), { onWarning: () => undefined });
  const cloud = new LocalCloud(organisation, files.network, files, log, cloudOptionsFromEnv(process.env));
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    log("stopping");
    await cloud.stop();
    process.exit(0);
  };
  process.on("SIGTERM", () => void stop());
  process.on("SIGINT", () => void stop());
  try {
    const endpoints = await cloud.start();
    fs.writeFileSync(`${files.cloudJson()}.new`, JSON.stringify(endpoints, null, 2));
    fs.renameSync(`${files.cloudJson()}.new`, files.cloudJson());
    log("ready");
  } catch (error) {
    log(`failed: ${(error as Error).stack ?? String(error)}`);
    await cloud.stop();
    process.exit(1);
  }
}

void main(process.argv[2]);
