// The organisations CI runs a job for, derived from organisations/*.yaml:
//   list-organisations                                       prints ["faalkaart","failmap-uk"]
//   list-organisations --gitlab-child-pipeline plan|deploy|renew  prints a GitLab child pipeline
import { PIPELINE_MODES, renderChildPipeline, type PipelineMode } from "../../ops/ci/gitlab-child-pipeline";
import { organisationNames } from "../../ops/organisations/select";

function main(argv: string[]): void {
  const names = organisationNames();
  if (argv[0] !== "--gitlab-child-pipeline") {
    console.log(JSON.stringify(names));
    return;
  }
  const mode = argv[1] as PipelineMode;
  if (!PIPELINE_MODES.includes(mode))
    throw new Error(`give a mode: --gitlab-child-pipeline ${PIPELINE_MODES.join("|")}`);
  process.stdout.write(renderChildPipeline(mode, names));
}

try {
  main(process.argv.slice(2));
} catch (e) {
  console.error((e as Error).message);
  process.exit(1);
}
