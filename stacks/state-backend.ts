import path from "node:path";
import { LocalBackend, S3Backend, type TerraformStack } from "cdktf";
import type { OrganisationModel } from "../config/model/organisation-model";
import { backendSettings, s3BackendBlock, STATE_ENV } from "./backend-settings";
import { stackName } from "../config/model/names";

/** Configures where the stack keeps its state; returns a one-line notice when it falls back to local state. */
export function configureStateBackend(stack: TerraformStack, model: OrganisationModel): string | undefined {
  const settings = backendSettings(model);
  if (settings.kind === "local") {
    new LocalBackend(stack, { path: settings.path });
    return (
      `${stackName(model.name)}: no state bucket (set ${STATE_ENV.bucket} or state.bucket), ` +
      `so state is kept locally in ${path.relative(process.cwd(), settings.path)}`
    );
  }
  new S3Backend(stack, { bucket: settings.bucket, key: settings.key, region: settings.region });
  // cdktf 0.21 types lack use_lockfile, the new endpoints block and skip_s3_checksum; the block is the one
  // source of truth, so every setting goes in as an override.
  for (const [key, value] of Object.entries(s3BackendBlock(settings))) {
    stack.addOverride(`terraform.backend.s3.${key}`, value);
  }
  return undefined;
}
