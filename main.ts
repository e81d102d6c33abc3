import { App } from "cdktf";
import path from "node:path";
import { OrganisationConfigError } from "./config/errors";
import { loadOrganisations, type LoadedOrganisation } from "./config/load";
import { VerdictCache } from "./config/verdicts";
import { freezeImageLookups } from "./constructs/host/image-lookup";
import { OrganisationStack } from "./stacks/organisation-stack";
import { checkBinaryVersionsOnce } from "./synth/binary-version-once";
import { loadWorkerFiles, sharesOf, SynthParts, workerCount, workerFiles } from "./synth/parts";
import { targetOrganisations } from "./synth/targets";
import { skipTokenTraces } from "./synth/token-traces";

/**
 * The organisation files' folder as messages show it: relative to the project (where cdktf runs the app)
 * when it is inside, else absolute. FAILMAP_ORGANISATIONS_DIR points elsewhere, e.g. at a private repository.
 */
function organisationsDir(): string {
  const dir = path.resolve(process.env.FAILMAP_ORGANISATIONS_DIR ?? "organisations");
  const relative = path.relative(process.cwd(), dir);
  return relative.startsWith("..") || path.isAbsolute(relative) ? dir : relative || ".";
}

/**
 * Verdicts on the organisation files, kept between synths in .cache/ for the bundle that made them (config/verdicts.ts).
 * Run from the TypeScript sources (tests, tsx) there is no bundle to stand for the code, and every file is checked.
 */
function verdicts(): VerdictCache | undefined {
  if (!__filename.endsWith(".js")) return undefined;
  return VerdictCache.forBundle(
    __filename,
    path.join(path.dirname(__filename), "..", ".cache", "organisation-verdicts.json"),
  );
}

/**
 * Prints the problem once (cdktf shows the app's output as it is) and stops before the manifest is written, so no
 * command acts on the stacks (those synthesized before the failing one may already have their files).
 */
function stop(message: string): never {
  console.error(message);
  process.exit(1);
}

/**
 * One stack per organisation file: `cdktf deploy org-<name>`. Every file is validated, together with the
 * others, on every synth (a file unchanged since it passed keeps its verdict: config/verdicts.ts); only the
 * stacks the command needs are built (synth/targets.ts): `cdktf deploy org-<name>` and
 * FAILMAP_ORGANISATION=<name> build that one (constructing and synthesizing is what costs, not validating).
 * FAILMAP_SYNTH_WORKERS=<n> splits many stacks over n processes (synth/parts.ts).
 */
function main(): void {
  const share = workerFiles();
  const dir = organisationsDir();
  let all;
  try {
    all = share ? loadWorkerFiles(share) : loadOrganisations(dir, { verdicts: verdicts() });
  } catch (error) {
    if (!(error instanceof OrganisationConfigError)) throw error;
    stop(error.message);
  }
  let organisations;
  try {
    organisations = share ? all : targetOrganisations(all, dir);
  } catch (error) {
    stop((error as Error).message);
  }

  checkBinaryVersionsOnce();
  skipTokenTraces();
  const workers = share ? 1 : workerCount(organisations.length);
  const parts = workers > 1 ? new SynthParts(process.argv[1], sharesOf(organisations, workers)) : undefined;
  try {
    // One call for both cases: the construct stack traces in the manifest stay the same when split.
    synthesizeStacks(parts?.here ?? organisations, parts?.outdir);
  } catch (error) {
    if (!parts) stopOn(error);
    void parts.stop().then(() => stopOn(error));
    return;
  }
  void parts?.finish(process.env.CDKTF_OUTDIR ?? "cdktf.out").then((ok) => {
    if (!ok) process.exit(1);
  });
}

/** A problem in the organisations' stacks, which the user fixes in a file: printed without a stack trace. */
class SynthesisStopped extends Error {}

function stopOn(error: unknown): never {
  if (error instanceof SynthesisStopped) stop(error.message);
  throw error;
}

/** Builds and synthesizes the stacks of `organisations` into `outdir` (default: where cdktf asks). */
function synthesizeStacks(organisations: readonly LoadedOrganisation[], outdir?: string): void {
  const app = new App(outdir ? { outdir } : {});
  // The scheduled renewal job (ops/ci/scheduled-apply.sh) plans with images held at the digests in state.
  if (process.env.FAILMAP_FREEZE_IMAGES === "1") freezeImageLookups(app);
  for (const { file, organisation } of organisations) {
    try {
      const stack = new OrganisationStack(app, { organisation });
      if (stack.stateNotice) console.log(stack.stateNotice);
    } catch (error) {
      // The config checks catch what they can; a construct's own check still names the file it came from.
      throw new SynthesisStopped(`${file}: ${(error as Error).message}\nNothing was synthesized.`);
    }
  }
  try {
    app.synth();
  } catch (error) {
    // The stack-wide rules (stacks/rules) say which construct, or which file, line and field, and what to do:
    // cdktf's stack trace and its advice to skip validation would only bury that.
    const message = error instanceof Error ? error.message : "";
    if (!message.startsWith("Validation failed")) throw error;
    throw new SynthesisStopped(message.replace(/\s*If you wish to ignore these validations[\s\S]*$/, ""));
  }
}

main();
