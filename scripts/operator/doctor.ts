// Preflight before a deploy: `npm run doctor -- <organisation>` lists each problem with its fix, and
// exits 1 when there is one. Without a name it checks every organisation.
import { renderFindings, runDoctor } from "../../ops/doctor/doctor";
import { systemEnvironment } from "../../ops/doctor/system";
import { selectOrganisations } from "../../ops/organisations/select";

async function main([name]: string[]): Promise<number> {
  let failed = false;
  for (const loaded of selectOrganisations(name)) {
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
