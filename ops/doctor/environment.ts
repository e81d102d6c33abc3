import type { Organisation } from "../../config/schema";
import { backendSettings, STATE_ENV } from "../../stacks/backend-settings";
import { DNS_PROVIDER_VARIABLES, isSet, requiredVariables } from "../env/required";
import { ok, problem, warning, type Finding } from "./finding";
import { stackName } from "../../config/model/names";

export function checkEnvironment(org: Organisation, env: NodeJS.ProcessEnv): Finding[] {
  const findings = requiredVariables(org, env).map((v) =>
    isSet(v, env)
      ? ok(`${v.names.find((n) => env[n]) ?? `${v.names[0]}_FILE`} is set (${v.why})`)
      : problem(`${v.names.join(" or ")} is not set: ${v.why}`, v.fix),
  );
  if (org.acme.mode === "acme" && !DNS_PROVIDER_VARIABLES[org.acme.dnsProvider]) {
    findings.push(
      warning(
        `acme.dnsProvider '${org.acme.dnsProvider}' is not one doctor knows, so its credentials were not checked`,
        `set the variables listed at https://go-acme.github.io/lego/dns/${org.acme.dnsProvider}/`,
      ),
    );
  }
  // CI machines are thrown away after each job: a local state file would be lost with them.
  if (env.CI && backendSettings(org, env).kind === "local") {
    findings.push(
      problem(
        `${stackName(org.name)} keeps its state in a local file, which is lost when this CI job ends`,
        `set the CI variable ${STATE_ENV.bucket} (and ${STATE_ENV.endpoint} for Hetzner Object Storage), or state.bucket in the file`,
      ),
    );
  }
  return findings;
}
