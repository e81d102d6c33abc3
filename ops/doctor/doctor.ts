import type { LoadedOrganisation } from "../../config/load";
import { backendSettings } from "../../stacks/backend-settings";
import { checkConfigWarnings } from "./config-warnings";
import { checkEnvironment } from "./environment";
import type { Finding } from "./finding";
import { checkImages } from "./images";
import { checkNames, type Resolver } from "./names";
import { checkAgentKeys, type AgentKeys } from "./ssh-agent";
import { checkStateBucket, type Head } from "./state-bucket";

/** Everything doctor asks of the outside world, so that the checks are plain functions in tests. */
export interface DoctorEnvironment {
  readonly env: NodeJS.ProcessEnv;
  readonly agentKeys: () => Promise<AgentKeys>;
  readonly resolve: Resolver;
  readonly head: Head;
}

export async function runDoctor(loaded: LoadedOrganisation, world: DoctorEnvironment): Promise<Finding[]> {
  const org = loaded.organisation;
  return [
    ...checkConfigWarnings(loaded),
    ...checkEnvironment(org, world.env),
    checkAgentKeys(org, await world.agentKeys()),
    await checkStateBucket(backendSettings(org, world.env), world.head),
    ...(await checkNames(org, world.resolve)),
    ...checkImages(org),
  ];
}

const MARK = { ok: "✓", warning: "!", problem: "✗" } as const;

export function renderFindings(
  { organisation, file }: LoadedOrganisation,
  findings: readonly Finding[],
): string {
  const lines = [`Preflight for org-${organisation.name} (${file})`];
  for (const f of findings) {
    lines.push(`  ${MARK[f.level]} ${f.message}`);
    if (f.fix) lines.push(`      fix: ${f.fix}`);
  }
  const problems = findings.filter((f) => f.level === "problem").length;
  const warnings = findings.filter((f) => f.level === "warning").length;
  lines.push(
    problems > 0
      ? `${problems} problem(s), ${warnings} warning(s): fix the problems, then run npm run doctor -- ${organisation.name} again.`
      : `Ready to deploy (${warnings} warning(s)).`,
  );
  return lines.join("\n") + "\n";
}
