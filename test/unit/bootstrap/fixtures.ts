import type { InstanceEnvSettings } from "../../../constructs/app/instance-env";
import { instanceNames } from "../../../config/model/names";
import type { BootstrapEnv } from "../../../constructs/bootstrap/env-file";

/** A main host with two instances, as the example organisation has it. */
export const BOOTSTRAP_ENV: BootstrapEnv = {
  role: "main",
  fqdn: "faalserver.faalkaart.nl",
  deployUser: "deploy",
  timezone: "Europe/Amsterdam",
  swapMb: 2048,
  backupRetentionDays: 7,
  nodeExporterListen: "127.0.0.1:9100",
  instances: ["production", "staging"],
};

/** The production instance, deployed. */
export const INSTANCE_ENV: InstanceEnvSettings = {
  instance: "production",
  names: instanceNames("production"),
  image: "websecmap/websecmap@sha256:0123abcd",
  domain: "faalkaart.nl",
  adminDomain: "admin.faalkaart.nl",
  adminUpstream: "127.0.0.1:8002",
};
