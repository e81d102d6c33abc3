// Preflight before a deploy: `npm run doctor -- <organisation>` lists each problem with its fix, and
// exits 1 when there is one. Without a name it checks every organisation.
import { formatWarning, type ConfigProblem } from "../../config/errors";
import { loadOrganisations } from "../../config/load";
import { renderFindings, runDoctor } from "../../ops/doctor/doctor";
import { systemEnvironment } from "../../ops/doctor/system";
import { ORGANISATIONS_DIR, pickOrganisation } from "../../ops/organisations/select";

async function main([name]: string[]): Promise<number> {
  // An organisation's own warnings belong in its report; the folder's (a file not read) are printed here.
  const warnings: ConfigProblem[] = [];
  const all = loadOrganisations(ORGANISATIONS_DIR, { onWarning: (w) => warnings.push(w) });
  const own = new Set(all.flatMap((o) => o.warnings));
  for (const w of warnings.filter((w) => !own.has(w))) console.error(formatWarning(w));

  let failed = false;
  for (const loaded of name === undefined ? all : [pickOrganisation(all, name, ORGANISATIONS_DIR)]) {
    const findings = await runDoctor(loaded, systemEnvironment());
    process.stdout.write(renderFindings(loaded, findings));
    failed ||= findings.some((f) => f.level === "problem");
  }
  return failed ? 1 : 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (e: Error) => {
    console.error(e.message);
    process.exit(1);
  },
);
